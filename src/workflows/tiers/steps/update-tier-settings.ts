import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { TierSettings } from "../../../lib/tiers/rules"
import { tiersService } from "./resolve-service"

export const updateTierSettingsStepId = "loyalty-update-tier-settings-step"

/** Save the qualification settings; compensation saves the previous ones back. */
export const updateTierSettingsStep = createStep(
  updateTierSettingsStepId,
  async (input: { changes: Partial<TierSettings>; actor_id: string | null }, { container }) => {
    const result = await tiersService(container).updateSettings(input.changes, input.actor_id)
    return new StepResponse(result.settings, { previous: result.previous, actor_id: input.actor_id })
  },
  async (saved, { container }) => {
    if (saved) await tiersService(container).updateSettings(saved.previous, saved.actor_id)
  }
)
