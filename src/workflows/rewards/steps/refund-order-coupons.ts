import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { unrecordedExpiry } from "../settle-released-coupons"
import { pointsService } from "../../points/steps/resolve-service"
import type { CanceledOrderCoupons } from "./load-canceled-order-coupons"

export const refundOrderCouponsStepId = "loyalty-refund-order-coupons-step"

/**
 * Give back the points of the coupons a canceled order used
 * (`refundCoupon`: keyed by the coupon, so a coupon is refunded once, by this
 * or by its expiry, and to the expiries its points had). A coupon whose owner's
 * account is closed gives nothing back. Compensation reverts the refunds this
 * run wrote.
 */
export const refundOrderCouponsStep = createStep(
  refundOrderCouponsStepId,
  async (input: CanceledOrderCoupons, { container }) => {
    if (!input.order || !input.coupons.length) return new StepResponse({ refunded: 0 }, [] as string[])
    const service = pointsService(container)
    const unrecorded = await unrecordedExpiry(container, new Date())
    const label = input.order.display_id ? `order #${input.order.display_id}` : "the order"
    const written: string[] = []
    for (const coupon of input.coupons) {
      const { result } = await service.refundCoupon(coupon, {
        unrecorded_expires_at: unrecorded,
        reason: `Coupon ${coupon.code} used on ${label}, which was canceled: points returned`,
        canceled_order_id: input.order.id,
      })
      if (result?.created) written.push(result.entry.id)
    }
    return new StepResponse({ refunded: written.length }, written)
  },
  async (written, { container }) => {
    await pointsService(container).revertEntries(written ?? [], "Coupon refund rolled back")
  }
)
