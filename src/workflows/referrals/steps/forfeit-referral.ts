import { createReferralTransitionStep } from "./create-referral-transition-step"

export const forfeitReferralStepId = "loyalty-forfeit-referral-step"

/**
 * End a rewarded referral whose credits are not posted yet as `forfeited`,
 * with the reason (its order was canceled or refunded in full): the payment
 * that is still to come (the rest of its run, or the repair pass) then pays
 * nothing. Null when it was posted or settled already; compensation puts the
 * row back.
 */
export const forfeitReferralStep = createReferralTransitionStep(
  forfeitReferralStepId,
  (service, input: { referral_id: string; reason: string }) =>
    service.settleReferral({ referral_id: input.referral_id, status: "forfeited", forfeit_reason: input.reason })
)
