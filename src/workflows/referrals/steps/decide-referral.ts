import { createStep } from "@medusajs/framework/workflows-sdk"
import { referralsService } from "./resolve-service"
import { restore, respond } from "./referral-transition"

export const decideReferralStepId = "loyalty-decide-referral-step"

/** Apply an admin's approval or rejection, with the note. */
export const decideReferralStep = createStep(
  decideReferralStepId,
  async (
    input: { referral_id: string; decision: "approve" | "reject"; actor_id: string; note: string; now: Date },
    { container }
  ) => respond(await referralsService(container).decideReferral(input)),
  restore
)
