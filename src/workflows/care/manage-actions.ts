import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { createActionStep } from "./steps/create-action"
import { deleteActionStep } from "./steps/delete-action"
import { updateActionStep } from "./steps/update-action"
import { LoyaltyActionInput } from "./types"

export const createLoyaltyActionWorkflowId = "loyalty-create-action"
export const updateLoyaltyActionWorkflowId = "loyalty-update-action"
export const deleteLoyaltyActionWorkflowId = "loyalty-delete-action"

/**
 * Add an action that earns points (the built-in `birthday`, `anniversary`,
 * `review`, or the store's own code).
 *
 * @summary Create an action.
 */
export const createLoyaltyActionWorkflow = createWorkflow(createLoyaltyActionWorkflowId, (input: LoyaltyActionInput) => {
  return new WorkflowResponse(createActionStep(input))
})

/**
 * Change an action's name, points, limit or switch it on or off. Completions
 * already paid keep their points.
 *
 * @summary Update an action.
 */
export const updateLoyaltyActionWorkflow = createWorkflow(
  updateLoyaltyActionWorkflowId,
  (input: { id: string } & Partial<Omit<LoyaltyActionInput, "code">>) => {
    return new WorkflowResponse(updateActionStep(input))
  }
)

/**
 * Remove an action: it pays nothing more.
 *
 * @summary Delete an action.
 */
export const deleteLoyaltyActionWorkflow = createWorkflow(deleteLoyaltyActionWorkflowId, (input: { id: string }) => {
  return new WorkflowResponse(deleteActionStep(input))
})
