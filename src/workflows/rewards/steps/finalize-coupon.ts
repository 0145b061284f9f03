import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const finalizeCouponStepId = "loyalty-finalize-coupon-step"

/**
 * Tie the coupon to the entry that paid for it and the promotion that
 * enforces it: the purchase's last write, after which the code works. Fails
 * (409) when the expiry pass settled this purchase as dead meanwhile, so the
 * steps before it are compensated (promotion removed; the debit's revert is
 * keyed by the entry, so it gives nothing back twice). Nothing to undo of
 * its own: a failure after it drops the coupon row (`reserveCouponStep`).
 */
export const finalizeCouponStep = createStep(
  finalizeCouponStepId,
  async (input: { id: string; entry_id: string; promotion_id: string }, { container }) => {
    return new StepResponse(await pointsService(container).finishCoupon(input))
  }
)
