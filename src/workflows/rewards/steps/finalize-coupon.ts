import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CouponRecord } from "../../../modules/loyalty-points/types"
import { pointsService } from "../../points/steps/resolve-service"

export const finalizeCouponStepId = "loyalty-finalize-coupon-step"

/** Tie the coupon to the entry that paid for it and the promotion that enforces it. */
export const finalizeCouponStep = createStep(
  finalizeCouponStepId,
  async (input: { id: string; entry_id: string; promotion_id: string }, { container }) => {
    const coupon = await pointsService(container).updateCoupons(input)
    return new StepResponse(coupon as unknown as CouponRecord)
  }
)
