import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const reserveCouponStepId = "loyalty-reserve-coupon-step"

/**
 * Record the purchase under the account lock (idempotency key, per-customer
 * limit). A replayed key returns the first coupon and skips the rest of the
 * workflow; compensation deletes a coupon this run created.
 */
export const reserveCouponStep = createStep(
  reserveCouponStepId,
  async (reservation: Parameters<ReturnType<typeof pointsService>["reserveCoupon"]>[0], { container }) => {
    const result = await pointsService(container).reserveCoupon(reservation)
    return new StepResponse(result, result.created ? result.coupon.id : null)
  },
  async (couponId, { container }) => {
    if (couponId) await pointsService(container).deleteCoupons([couponId])
  }
)
