import { asOneBatch, forEachDue } from "../../../lib/shared/pages"
import { pointsService } from "../../points/steps/resolve-service"
import { settleExpiredCoupons, unrecordedExpiry } from "../settle-released-coupons"
import { createPassStep } from "../../shared/create-pass-step"

export const closeExpiredCouponsStepId = "loyalty-close-expired-coupons-step"

const BATCH = 200

/**
 * Close coupons past their expiry. Their campaign has ended, so Medusa no
 * longer applies the code, and the checkout hook refuses a closed or
 * expired coupon still sitting on a cart. An unused coupon bought
 * refundable gives its points back, unless a checkout held it when it was
 * closed: that checkout uses it, or gives the points back itself if it
 * fails. Each coupon is closed and refunded in one transaction of its own
 * (`settleExpiredCoupon`): one that fails stays open, is logged and lies
 * behind the pass's cursor, so it stops no other coupon and the next pass
 * settles it. A coupon whose owner's account is closed is closed without a
 * refund (its points were forfeited with the account) and logged. A coupon
 * whose purchase never finished is not closed here: the pass settles it
 * before (`settleUnfinishedCouponsStep`).
 */
export const closeExpiredCouponsStep = createPassStep(closeExpiredCouponsStepId, async (now, container) => {
  const service = pointsService(container)
  const unrecorded = await unrecordedExpiry(container, now)
  let closed = 0
  let refunded = 0
  await forEachDue(
    async (after) => asOneBatch(await service.listExpiredCoupons(now, after, BATCH)),
    async (ids) => {
      const position = new Map(ids.map((id, i) => [id, i]))
      const coupons = (await service.listCoupons({ id: ids }, { take: null })).sort((a, b) => position.get(a.id)! - position.get(b.id)!)
      const settled = await settleExpiredCoupons(container, coupons, now, {
        unrecorded_expires_at: unrecorded,
        doing: "Loyalty: closing expired coupon",
      })
      closed += settled.closed
      refunded += settled.refunded
    }
  )
  return { closed, refunded }
})
