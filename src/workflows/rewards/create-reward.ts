import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { createRewardStep } from "./steps/create-reward"
import { RewardInput } from "./types"

export const createRewardWorkflowId = "loyalty-create-reward"

/**
 * Add a reward to the catalog shoppers buy coupons from.
 *
 * @summary Create a reward.
 */
export const createRewardWorkflow = createWorkflow(createRewardWorkflowId, (input: RewardInput) => {
  return new WorkflowResponse(createRewardStep(input))
})
