import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { deletePromotionsWorkflow } from "@medusajs/medusa/core-flows"
import { unfinishedCouponCutoff } from "../../../lib/rewards/rules"
import { CouponIssuedEventData } from "../../../lib/shared/events"
import { CouponRecord } from "../../../modules/loyalty-points/types"
import { asOneBatch, attempt, forEachDue } from "../../../lib/shared/pages"
import { pointsService } from "../../points/steps/resolve-service"
import { createPassStep } from "../../shared/create-pass-step"

export const settleUnfinishedCouponsStepId = "loyalty-settle-unfinished-coupons-step"

const BATCH = 200

/**
 * Settle coupon purchases that died part-way (the process was killed between
 * the debit and the last step): coupons still without a promotion well after
 * any purchase ends (`unfinishedCouponCutoff`). A workflow engine does not
 * bring back a run its process lost (the in-memory engine keeps none; none
 * resumes on boot), so this is what keeps such points from being lost: each
 * coupon is finished when it was paid and its promotion was made, and
 * otherwise its points are given back once (the debit's revert is keyed by
 * the entry) and it is dropped; a promotion made for a purchase nobody paid
 * for is deleted first. Each coupon on its own (`settleUnfinishedCoupon`,
 * one transaction): one that fails is logged and settled by the next pass.
 * A coupon finished here was never announced (its purchase died before the
 * `loyalty.coupon.issued` it would have sent), so the step returns that
 * event's payload for each, for the workflow to send.
 */
export const settleUnfinishedCouponsStep = createPassStep(settleUnfinishedCouponsStepId, async (now, container) => {
  const service = pointsService(container)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const cutoff = unfinishedCouponCutoff(now)
  const done = { finished: 0, refunded: 0, dropped: 0 }
  const finished: CouponRecord[] = []
  await forEachDue(
    async (after) => asOneBatch(await service.listUnfinishedCoupons(cutoff, after, BATCH)),
    async (ids) => {
      const coupons = await service.listCoupons({ id: ids }, { take: null })
      const { data: promotions } = await query.graph({
        entity: "promotion",
        fields: ["id", "code"],
        filters: { code: coupons.map((coupon) => coupon.code) },
      })
      const promotionOf = new Map(promotions.map((promotion) => [promotion.code, promotion.id]))
      for (const coupon of coupons) {
        const settled = await attempt(container, `Loyalty: settling unfinished coupon purchase ${coupon.code}`, async () => {
          const promotionId = promotionOf.get(coupon.code) ?? null
          const first = await service.settleUnfinishedCoupon(coupon.id, { cutoff, promotion_id: promotionId })
          if (first?.outcome !== "remove_promotion" || !promotionId) return first
          await deletePromotionsWorkflow(container).run({ input: { ids: [promotionId] } })
          return await service.settleUnfinishedCoupon(coupon.id, { cutoff, promotion_id: null })
        })
        if (!settled.ok || !settled.value) continue
        if (settled.value.outcome === "finish") {
          done.finished++
          finished.push(coupon)
        }
        else if (settled.value.refund?.created) done.refunded++
        else done.dropped++
      }
    }
  )
  const rewards = finished.length
    ? await service.listRewards({ id: [...new Set(finished.map((coupon) => coupon.reward_id))] }, { select: ["id", "name"], withDeleted: true })
    : []
  const rewardName = new Map(rewards.map((reward) => [reward.id, reward.name]))
  const issued: CouponIssuedEventData[] = finished.map((coupon) => ({
    id: coupon.id,
    customer_id: coupon.customer_id,
    reward_id: coupon.reward_id,
    code: coupon.code,
    points: coupon.points_spent,
    reward_name: rewardName.get(coupon.reward_id) ?? "",
  }))
  return { counts: done, issued }
})
