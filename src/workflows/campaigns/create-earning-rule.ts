import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { createEarningRuleStep, EarningRuleInput } from "./steps/create-earning-rule"

export const createEarningRuleWorkflowId = "loyalty-create-earning-rule"

/**
 * Set a per-product earning rule (a product, category or collection earns
 * `factor` × the base; 0 excludes it). Applies to orders placed from now on.
 *
 * @summary Set a per-product earning rule.
 */
export const createEarningRuleWorkflow = createWorkflow(createEarningRuleWorkflowId, (input: EarningRuleInput) => {
  return new WorkflowResponse(createEarningRuleStep(input))
})
