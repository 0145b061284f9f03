import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { createRewardStep } from "./steps/create-reward"
import { deleteRewardStep } from "./steps/delete-reward"
import { RewardInput } from "./types"
import { updateRewardStep } from "./steps/update-reward"

export const createRewardWorkflowId = "loyalty-create-reward"
export const updateRewardWorkflowId = "loyalty-update-reward"
export const deleteRewardWorkflowId = "loyalty-delete-reward"

/**
 * Add a reward to the catalog shoppers buy coupons from.
 *
 * @summary Create a reward.
 */
export const createRewardWorkflow = createWorkflow(createRewardWorkflowId, (input: RewardInput) => {
  return new WorkflowResponse(createRewardStep(input))
})

/**
 * Change a reward. Coupons already bought keep the terms they were bought with.
 *
 * @summary Update a reward.
 */
export const updateRewardWorkflow = createWorkflow(
  updateRewardWorkflowId,
  (input: { id: string } & Partial<RewardInput>) => {
    return new WorkflowResponse(updateRewardStep(input))
  }
)

/**
 * Withdraw a reward from the catalog.
 *
 * @summary Delete a reward.
 */
export const deleteRewardWorkflow = createWorkflow(deleteRewardWorkflowId, (input: { id: string }) => {
  return new WorkflowResponse(deleteRewardStep(input))
})
