import { createStep } from "@medusajs/framework/workflows-sdk"
import { NewReferralFlag } from "../../../lib/referrals/rules"
import { referralsService } from "./resolve-service"
import { restore, respond } from "./referral-transition"

export const flagReferralStepId = "loyalty-flag-referral-step"

/** Hold an open referral for an admin, with the reasons. */
export const flagReferralStep = createStep(
  flagReferralStepId,
  async (input: { referral_id: string; flags: NewReferralFlag[]; order_id: string | null; now: Date }, { container }) =>
    respond(await referralsService(container).flagReferral(input)),
  restore
)
