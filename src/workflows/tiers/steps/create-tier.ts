import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { TierInput } from "../../../modules/loyalty-tiers/types"
import { tiersService } from "./resolve-service"

export const createTierStepId = "loyalty-create-tier-step"

/** Add a tier to the validated set; compensation takes it back while nobody is in it. */
export const createTierStep = createStep(
  createTierStepId,
  async (input: TierInput, { container }) => {
    const tier = await tiersService(container).createTier(input)
    return new StepResponse(tier, tier.id)
  },
  async (id, { container }) => {
    if (id) await tiersService(container).undoCreateTier(id)
  }
)
