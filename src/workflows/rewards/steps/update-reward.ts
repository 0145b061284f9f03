import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"
import { RewardInput } from "../types"

export const updateRewardStepId = "loyalty-update-reward-step"

/** Change a reward; compensation puts the previous values back. */
export const updateRewardStep = createStep(
  updateRewardStepId,
  async (input: { id: string } & Partial<RewardInput>, { container }) => {
    const service = pointsService(container)
    const before = await service.retrieveReward(input.id)
    const reward = await service.updateRewards(input)
    return new StepResponse(reward, before)
  },
  async (before, { container }) => {
    if (!before) return
    const { created_at: _c, updated_at: _u, deleted_at: _d, ...values } = before
    await pointsService(container).updateRewards(values)
  }
)
