import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { deleteRewardStep } from "./steps/delete-reward"

export const deleteRewardWorkflowId = "loyalty-delete-reward"

/**
 * Withdraw a reward from the catalog.
 *
 * @summary Delete a reward.
 */
export const deleteRewardWorkflow = createWorkflow(deleteRewardWorkflowId, (input: { id: string }) => {
  return new WorkflowResponse(deleteRewardStep(input))
})
