import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { updateActionStep } from "./steps/update-action"
import { LoyaltyActionInput } from "./types"

export const updateLoyaltyActionWorkflowId = "loyalty-update-action"

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
