import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"
import { RewardInput } from "../types"

export const createRewardStepId = "loyalty-create-reward-step"

/** Add a reward to the catalog; compensation removes it. */
export const createRewardStep = createStep(createRewardStepId, async (input: RewardInput, { container }) => {
  const reward = await pointsService(container).createRewards(input)
  return new StepResponse(reward, reward.id)
}, async (id, { container }) => {
  if (id) await pointsService(container).deleteRewards([id])
})
