import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { deleteActionStep } from "./steps/delete-action"

export const deleteLoyaltyActionWorkflowId = "loyalty-delete-action"

/**
 * Remove an action: it pays nothing more.
 *
 * @summary Delete an action.
 */
export const deleteLoyaltyActionWorkflow = createWorkflow(deleteLoyaltyActionWorkflowId, (input: { id: string }) => {
  return new WorkflowResponse(deleteActionStep(input))
})
