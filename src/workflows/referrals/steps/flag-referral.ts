import { NewReferralFlag } from "../../../lib/referrals/rules"
import { createReferralTransitionStep } from "./create-referral-transition-step"

export const flagReferralStepId = "loyalty-flag-referral-step"

/** Hold an open referral for an admin, with the reasons. */
export const flagReferralStep = createReferralTransitionStep(
  flagReferralStepId,
  (service, input: { referral_id: string; flags: NewReferralFlag[]; order_id: string | null; now: Date }) =>
    service.flagReferral(input)
)
