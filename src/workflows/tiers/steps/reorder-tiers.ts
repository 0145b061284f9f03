import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { tiersService } from "./resolve-service"

export const reorderTiersStepId = "loyalty-reorder-tiers-step"

/** New ranks, lowest first; compensation restores the old ranks. */
export const reorderTiersStep = createStep(
  reorderTiersStepId,
  async (input: { tier_ids: string[] }, { container }) => {
    const result = await tiersService(container).reorderTiers(input.tier_ids)
    return new StepResponse(result.tiers, result.previous)
  },
  async (previous, { container }) => {
    if (previous?.length) await tiersService(container).restoreRanks(previous)
  }
)
