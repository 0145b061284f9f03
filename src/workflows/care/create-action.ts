import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { createActionStep } from "./steps/create-action"
import { LoyaltyActionInput } from "./types"

export const createLoyaltyActionWorkflowId = "loyalty-create-action"

/**
 * Add an action that earns points (the built-in `birthday`, `anniversary`,
 * `review`, or the store's own code).
 *
 * @summary Create an action.
 */
export const createLoyaltyActionWorkflow = createWorkflow(createLoyaltyActionWorkflowId, (input: LoyaltyActionInput) => {
  return new WorkflowResponse(createActionStep(input))
})
