import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, createWorkflow, StepResponse, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { expiryDate } from "../../lib/shared/dates"
import { CouponRecord } from "../../modules/loyalty-points/types"
import { pointsService } from "../points/steps/resolve-service"

export const expireCouponsWorkflowId = "expire-loyalty-coupons"
export const closeExpiredCouponsStepId = "close-expired-loyalty-coupons"

const BATCH = 200

type ClosedCoupon = Pick<CouponRecord, "id" | "code" | "customer_id" | "reward_id" | "promotion_id" | "entry_id" | "points_spent">

/**
 * Give back the points of closed coupons that were never used, when their
 * reward says so. Keyed by the coupon (`refund:coupon:<id>`), so the expiry
 * job and a checkout that lets go of a coupon closed meanwhile refund it once
 * between them. Returns how many were refunded now.
 */
export async function refundClosedCoupons(container: MedusaContainer, coupons: ClosedCoupon[], now: Date) {
  const candidates = coupons.filter((coupon) => coupon.entry_id && coupon.promotion_id)
  if (!candidates.length) return 0
  const service = pointsService(container)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: promotions } = await query.graph({
    entity: "promotion",
    fields: ["id", "used", "limit"],
    filters: { id: candidates.map((coupon) => coupon.promotion_id!) },
  })
  const used = new Set(promotions.filter((p) => (p.used ?? 0) >= (p.limit ?? 1)).map((p) => p.id))
  const rewards = await service.listRewards(
    { id: [...new Set(candidates.map((coupon) => coupon.reward_id))] },
    { withDeleted: true }
  )
  const refundable = new Set(rewards.filter((reward) => reward.refund_on_expiry).map((reward) => reward.id))
  const rules = await service.getProgramRules()
  let refunded = 0
  for (const coupon of candidates) {
    if (used.has(coupon.promotion_id!) || !refundable.has(coupon.reward_id)) continue
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
  return refunded
}

/**
 * Close coupons past their expiry. Their campaign has ended, so Medusa no
 * longer applies the code, and the checkout hook refuses a closed or
 * expired coupon still sitting on a cart. An unused coupon whose reward says
 * so gives its points back, unless a checkout held it when it was closed:
 * that checkout uses it, or gives the points back itself if it fails. Each
 * coupon is settled on its own, so there is nothing to undo as a batch.
 */
export const closeExpiredCouponsStep = createStep(
  closeExpiredCouponsStepId,
  async (input: { now: Date }, { container }) => {
    const service = pointsService(container)
    const now = new Date(input.now)
    let closed = 0
    let refunded = 0
    for (;;) {
      const coupons = await service.listCoupons(
        { expires_at: { $lte: now }, expired_at: null },
        { take: BATCH, order: { expires_at: "ASC" } }
      )
      if (!coupons.length) break
      const unheld: ClosedCoupon[] = []
      for (const coupon of coupons) {
        const result = await service.closeCoupon(coupon.id, now)
        if (!result.closed) continue
        closed++
        if (!result.held) unheld.push(coupon)
      }
      refunded += await refundClosedCoupons(container, unheld, now)
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
