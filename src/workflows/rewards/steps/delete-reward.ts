import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const deleteRewardStepId = "loyalty-delete-reward-step"

/**
 * Withdraw a reward (soft delete: coupons already bought keep pointing at it;
 * 404 when there is none); compensation restores it.
 */
export const deleteRewardStep = createStep(
  deleteRewardStepId,
  async (input: { id: string }, { container }) => {
    const service = pointsService(container)
    await service.retrieveReward(input.id)
    await service.softDeleteRewards([input.id])
    return new StepResponse(input.id, input.id)
  },
  async (id, { container }) => {
    if (id) await pointsService(container).restoreRewards([id])
  }
)
