import { forEachPage } from "../../../lib/shared/pages"
import { pointsService } from "../../points/steps/resolve-service"
import { ClosedCoupon, refundClosedCoupons } from "../refund-closed-coupons"
import { createPassStep } from "../../shared/create-pass-step"

export const closeExpiredCouponsStepId = "loyalty-close-expired-coupons-step"

const BATCH = 200

/**
 * Close coupons past their expiry. Their campaign has ended, so Medusa no
 * longer applies the code, and the checkout hook refuses a closed or
 * expired coupon still sitting on a cart. An unused coupon whose reward says
 * so gives its points back, unless a checkout held it when it was closed:
 * that checkout uses it, or gives the points back itself if it fails. Each
 * coupon is settled on its own, so there is nothing to undo as a batch.
 */
export const closeExpiredCouponsStep = createPassStep(closeExpiredCouponsStepId, async (now, container) => {
  const service = pointsService(container)
  let closed = 0
  let refunded = 0
  await forEachPage(
    () =>
      service.listCoupons(
        { expires_at: { $lte: now }, expired_at: null },
        { take: BATCH, order: { expires_at: "ASC" } }
      ),
    async (coupons) => {
      const unheld: ClosedCoupon[] = []
      for (const coupon of coupons) {
        const result = await service.closeCoupon(coupon.id, now)
        if (!result.closed) continue
        closed++
        if (!result.held) unheld.push(coupon)
      }
      refunded += await refundClosedCoupons(container, unheld, now)
    },
    { size: BATCH, until: "empty" }
  )
  return { closed, refunded }
})
