import { createSoftDeleteStep } from "../../shared/create-soft-delete-step"
import { pointsService } from "../../points/steps/resolve-service"

export const deleteRewardStepId = "loyalty-delete-reward-step"

/**
 * Withdraw a reward (soft delete: coupons already bought keep pointing at it;
 * 404 when there is none); compensation restores it.
 */
export const deleteRewardStep = createSoftDeleteStep(deleteRewardStepId, pointsService, { one: "Reward", many: "Rewards" })
