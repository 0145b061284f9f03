import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export type RewardInput = {
  name: string
  description?: string | null
  kind: "fixed_amount" | "percentage" | "free_shipping"
  amounts?: Record<string, number> | null
  percentage?: number | null
  points_cost: number
  starts_at?: Date | null
  ends_at?: Date | null
  per_customer_limit?: number | null
  valid_days?: number
  refund_on_expiry?: boolean
  is_active?: boolean
}

export const createRewardStepId = "create-loyalty-reward"
export const updateRewardStepId = "update-loyalty-reward"
export const deleteRewardStepId = "delete-loyalty-reward"

/** Add a reward to the catalog; compensation removes it. */
export const createRewardStep = createStep(createRewardStepId, async (input: RewardInput, { container }) => {
  const reward = await pointsService(container).createRewards(input)
  return new StepResponse(reward, reward.id)
}, async (id, { container }) => {
  if (id) await pointsService(container).deleteRewards([id])
})

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

/** Withdraw a reward (soft delete: coupons already bought keep pointing at it); compensation restores it. */
export const deleteRewardStep = createStep(deleteRewardStepId, async (input: { id: string }, { container }) => {
  await pointsService(container).softDeleteRewards([input.id])
  return new StepResponse(input.id, input.id)
}, async (id, { container }) => {
  if (id) await pointsService(container).restoreRewards([id])
})
