import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, createWorkflow, StepResponse, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { expiryDate } from "../../lib/dates"
import { pointsService } from "../points/steps/resolve-service"

export const expireCouponsWorkflowId = "expire-loyalty-coupons"
export const closeExpiredCouponsStepId = "close-expired-loyalty-coupons"

const BATCH = 200

/**
 * Close coupons past their expiry. Their campaign has ended, so Medusa no
 * longer applies the code; an unused coupon whose reward says so gives its
 * points back, keyed by the coupon so a second run refunds nothing. Each
 * coupon is settled on its own, so there is nothing to undo as a batch.
 */
export const closeExpiredCouponsStep = createStep(
  closeExpiredCouponsStepId,
  async (input: { now: Date }, { container }) => {
    const service = pointsService(container)
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const now = new Date(input.now)
    const rules = await service.getProgramRules()
    let closed = 0
    let refunded = 0
    for (;;) {
      const coupons = await service.listCoupons(
        { expires_at: { $lte: now }, expired_at: null },
        { take: BATCH, order: { expires_at: "ASC" } }
      )
      if (!coupons.length) break
      const promotionIds = coupons.map((coupon) => coupon.promotion_id).filter((id): id is string => !!id)
      const { data: promotions } = await query.graph({
        entity: "promotion",
        fields: ["id", "used", "limit"],
        filters: { id: promotionIds },
      })
      const usedById = new Map(promotions.map((p) => [p.id, (p.used ?? 0) >= (p.limit ?? 1)]))
      const rewards = await service.listRewards(
        { id: [...new Set(coupons.map((coupon) => coupon.reward_id))] },
        { withDeleted: true }
      )
      const refundable = new Set(rewards.filter((reward) => reward.refund_on_expiry).map((reward) => reward.id))

      for (const coupon of coupons) {
        const unused = !!coupon.promotion_id && !usedById.get(coupon.promotion_id)
        if (unused && coupon.entry_id && refundable.has(coupon.reward_id)) {
          const result = await service.creditPoints({
            customer_id: coupon.customer_id,
            points: coupon.points_spent,
            type: "restore",
            idempotency_key: `refund:coupon:${coupon.id}`,
            reason: `Coupon ${coupon.code} expired unused: points returned`,
            reference_type: "coupon",
            reference_id: coupon.id,
            expires_at: expiryDate(now, rules.expiry_months),
          })
          if (result.created) refunded++
        }
        await service.updateCoupons({ id: coupon.id, expired_at: now })
        closed++
      }
    }
    return new StepResponse({ closed, refunded })
  }
)

/**
 * Close expired coupons and refund the unused ones whose reward says so.
 *
 * @summary Expire coupons bought with points.
 */
export const expireCouponsWorkflow = createWorkflow(expireCouponsWorkflowId, (input: { now: Date }) => {
  return new WorkflowResponse(closeExpiredCouponsStep(input))
})
