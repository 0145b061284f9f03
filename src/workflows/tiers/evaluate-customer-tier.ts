import type { AdditionalData } from "@medusajs/framework/types"
import { createHook, createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { applyTierChanges } from "./apply-tier-changes"
import { evaluateCustomerTierStep } from "./steps/evaluate-customer-tier"

export const evaluateCustomerTierWorkflowId = "loyalty-evaluate-customer-tier"

export type EvaluateCustomerTierInput = { customer_id: string; now: Date } & AdditionalData

/**
 * Upgrade a customer as soon as their qualifying activity in the current
 * window reaches a higher tier (or keep the current tier longer when they
 * reach it again). Never downgrades: that waits for the period-end review.
 * Idempotent: a second run finds nothing more to change.
 *
 * @summary Upgrade a customer's tier from their activity.
 *
 * @property hooks.validate - Runs before the membership is read and written (`{ input }`): throw to
 *   leave the customer's tier as it is (the daily pass tries again).
 * @property hooks.tierEvaluated - Runs after the tier, its customer group and its bonus follow
 *   (`{ customer_id, write, events, additional_data }`; `write.changes` is empty when nothing moved).
 *
 * @example
 * await evaluateCustomerTierWorkflow(container).run({ input: { customer_id: "cus_123", now: new Date() } })
 */
export const evaluateCustomerTierWorkflow = createWorkflow(
  evaluateCustomerTierWorkflowId,
  (input: EvaluateCustomerTierInput) => {
    const validate = createHook("validate", { input })
    const write = evaluateCustomerTierStep(input)
    const events = applyTierChanges(write)
    const tierEvaluated = createHook("tierEvaluated", {
      customer_id: input.customer_id,
      write,
      events,
      additional_data: input.additional_data,
    })
    return new WorkflowResponse({ write, events }, { hooks: [validate, tierEvaluated] })
  }
)
