import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { deleteEarningRuleStep } from "./steps/delete-earning-rule"

export const deleteEarningRuleWorkflowId = "loyalty-delete-earning-rule"

/**
 * Delete a per-product earning rule; orders placed before keep the factor
 * their entry recorded.
 *
 * @summary Delete a per-product earning rule.
 */
export const deleteEarningRuleWorkflow = createWorkflow(deleteEarningRuleWorkflowId, (input: { id: string }) => {
  return new WorkflowResponse(deleteEarningRuleStep(input))
})
