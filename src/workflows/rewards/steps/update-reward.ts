import { pointsService } from "../../points/steps/resolve-service"
import { createUpdateStep } from "../../shared/create-update-step"
import { RewardInput } from "../types"

export const updateRewardStepId = "loyalty-update-reward-step"

/** Change a reward; compensation puts the previous values back. */
export const updateRewardStep = createUpdateStep(updateRewardStepId, pointsService, {
  before: (service, input: { id: string } & Partial<RewardInput>) => service.retrieveReward(input.id),
  update: (service, input) => service.updateRewards(input),
  restore: (service, { created_at: _c, updated_at: _u, deleted_at: _d, ...values }) => service.updateRewards(values),
})
