import { createSoftDeleteStep } from "../../shared/create-soft-delete-step"
import { pointsService } from "../../points/steps/resolve-service"

export const deleteRewardStepId = "loyalty-delete-reward-step"

/**
 * Withdraw a reward (soft delete: coupons already bought keep pointing at it;
 * 404 when there is none); compensation restores it.
 */
export const deleteRewardStep = createSoftDeleteStep(deleteRewardStepId, (container) => {
  const service = pointsService(container)
  return {
    retrieve: (id) => service.retrieveReward(id),
    softDelete: (ids) => service.softDeleteRewards(ids),
    restore: (ids) => service.restoreRewards(ids),
  }
})
