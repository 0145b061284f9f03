import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { RewardInput } from "./types"
import { updateRewardStep } from "./steps/update-reward"

export const updateRewardWorkflowId = "loyalty-update-reward"

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
