import { createStep } from "@medusajs/framework/workflows-sdk"
import { referralsService } from "./resolve-service"
import { restore, respond } from "./referral-transition"

export const markReferralRewardedStepId = "loyalty-mark-referral-rewarded-step"

/** Win the right to pay this referral (null: another run already did). */
export const markReferralRewardedStep = createStep(
  markReferralRewardedStepId,
  async (input: { referral_id: string; order_id: string; now: Date }, { container }) =>
    respond(await referralsService(container).markRewarded(input)),
  restore
)
