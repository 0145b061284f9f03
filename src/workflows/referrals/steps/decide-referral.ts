import { createReferralTransitionStep } from "./create-referral-transition-step"

export const decideReferralStepId = "loyalty-decide-referral-step"

/** Apply an admin's approval or rejection, with the note. */
export const decideReferralStep = createReferralTransitionStep(
  decideReferralStepId,
  (service, input: { referral_id: string; decision: "approve" | "reject"; actor_id: string; note: string; now: Date }) =>
    service.decideReferral(input)
)
