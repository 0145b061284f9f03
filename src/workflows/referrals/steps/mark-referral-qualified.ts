import { createStep } from "@medusajs/framework/workflows-sdk"
import { referralsService } from "./resolve-service"
import { restore, respond } from "./referral-transition"

export const markReferralQualifiedStepId = "loyalty-mark-referral-qualified-step"

/** The friend placed a qualifying order; it now waits for the return window. */
export const markReferralQualifiedStep = createStep(
  markReferralQualifiedStepId,
  async (input: { referral_id: string; order_id: string; now: Date }, { container }) =>
    respond(await referralsService(container).markQualified(input)),
  restore
)
