import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { applyTierChanges } from "./apply-tier-changes"
import { evaluateCustomerTierStep } from "./steps/evaluate-customer-tier"

export const evaluateCustomerTierWorkflowId = "loyalty-evaluate-customer-tier"

export type EvaluateCustomerTierInput = { customer_id: string; now: Date }

/**
 * Upgrade a customer as soon as their qualifying activity in the current
 * window reaches a higher tier (or keep the current tier longer when they
 * reach it again). Never downgrades: that waits for the period-end review.
 * Idempotent: a second run finds nothing more to change.
 *
 * @summary Upgrade a customer's tier from their activity.
 *
 * @example
 * await evaluateCustomerTierWorkflow(container).run({ input: { customer_id: "cus_123", now: new Date() } })
 */
export const evaluateCustomerTierWorkflow = createWorkflow(
  evaluateCustomerTierWorkflowId,
  (input: EvaluateCustomerTierInput) => {
    const write = evaluateCustomerTierStep(input)
    const events = applyTierChanges(write)
    return new WorkflowResponse({ write, events })
  }
)
