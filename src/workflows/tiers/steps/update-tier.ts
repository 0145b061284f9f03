import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { TierInput } from "../../../modules/loyalty-tiers/types"
import { tiersService } from "./resolve-service"

export const updateTierStepId = "loyalty-update-tier-step"

/** Change a tier within the validated set; compensation restores its fields. */
export const updateTierStep = createStep(
  updateTierStepId,
  async (input: { id: string; changes: Partial<TierInput> }, { container }) => {
    const result = await tiersService(container).updateTier(input.id, input.changes)
    return new StepResponse(result, result.previous)
  },
  async (previous, { container }) => {
    if (previous) await tiersService(container).undoUpdateTier(previous)
  }
)
