import { createReferralTransitionStep } from "./create-referral-transition-step"

export const markReferralRewardedStepId = "loyalty-mark-referral-rewarded-step"

/** Win the right to pay this referral (null: another run already did). */
export const markReferralRewardedStep = createReferralTransitionStep(
  markReferralRewardedStepId,
  (service, input: { referral_id: string; order_id: string; now: Date }) => service.markRewarded(input)
)
