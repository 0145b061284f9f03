import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { ensureReferralCodeStep } from "./steps/ensure-referral-code"

export const ensureReferralCodeWorkflowId = "loyalty-ensure-referral-code"

/**
 * A customer's referral code, created the first time they ask for it and the
 * same code ever after. Safe to run concurrently for one customer.
 *
 * @summary Get or create a customer's referral code.
 *
 * @example
 * const { result } = await ensureReferralCodeWorkflow(container).run({ input: { customer_id: "cus_123" } })
 * result.code // "7KQ4M-XC9TR"
 */
export const ensureReferralCodeWorkflow = createWorkflow(
  ensureReferralCodeWorkflowId,
  (input: { customer_id: string }) => {
    return new WorkflowResponse(ensureReferralCodeStep(input))
  }
)
