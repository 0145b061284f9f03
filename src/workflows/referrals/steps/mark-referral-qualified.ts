import { createReferralTransitionStep } from "./create-referral-transition-step"

export const markReferralQualifiedStepId = "loyalty-mark-referral-qualified-step"

/** The friend placed a qualifying order; it now waits for the return window. */
export const markReferralQualifiedStep = createReferralTransitionStep(
  markReferralQualifiedStepId,
  (service, input: { referral_id: string; order_id: string; now: Date }) => service.markQualified(input)
)
