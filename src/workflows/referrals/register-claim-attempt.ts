import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { registerClaimAttemptStep } from "./steps/register-claim-attempt"

export const registerReferralClaimAttemptWorkflowId = "loyalty-register-referral-claim-attempt"

export type RegisterClaimAttemptInput = {
  customer_id: string
  /** The client address as the HTTP layer sees it (see `clientAddressKey`). */
  client_address: string
}

/**
 * The rate limit in front of code claims: counts the attempt against the
 * customer's and the address's limits in Postgres, so the limit holds across
 * every server process, and says whether it may go ahead.
 *
 * @summary Count a referral claim attempt against the rate limits.
 */
export const registerReferralClaimAttemptWorkflow = createWorkflow(
  registerReferralClaimAttemptWorkflowId,
  (input: RegisterClaimAttemptInput) => {
    return new WorkflowResponse(registerClaimAttemptStep(input))
  }
)
