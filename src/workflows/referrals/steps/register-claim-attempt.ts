import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ClaimAttemptResult } from "../../../modules/loyalty-referrals/types"
import { referralsService } from "./resolve-service"

export const registerClaimAttemptStepId = "loyalty-register-claim-attempt-step"

/** Count a claim attempt against the limits, recording it when allowed; compensation forgets it. */
export const registerClaimAttemptStep = createStep(
  registerClaimAttemptStepId,
  async (input: { customer_id: string; client_address: string }, { container }) => {
    const result = await referralsService(container).registerClaimAttempt(input)
    return new StepResponse<ClaimAttemptResult, string | null>(result, result.attempt_id)
  },
  async (attemptId, { container }) => {
    if (attemptId) {
      await referralsService(container).deleteClaimAttempts([attemptId])
    }
  }
)
