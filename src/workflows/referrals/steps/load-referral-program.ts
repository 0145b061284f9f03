import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { referralsService } from "./resolve-service"

export const loadReferralProgramStepId = "loyalty-load-referral-program-step"

/** The referral program in force, read once per workflow so every later step uses the same version. */
export const loadReferralProgramStep = createStep(loadReferralProgramStepId, async (_: void, { container }) => {
  return new StepResponse(await referralsService(container).getProgramSettings())
})
