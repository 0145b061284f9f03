import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { TierSettings } from "../../../lib/tiers/rules"
import { tiersService } from "./resolve-service"

export const updateTierSettingsStepId = "loyalty-update-tier-settings-step"

/**
 * Save the qualification settings (leaving a lifetime window starts the open
 * periods, see `updateSettings`); compensation saves the previous ones back
 * and reopens the periods it started.
 */
export const updateTierSettingsStep = createStep(
  updateTierSettingsStepId,
  async (input: { changes: Partial<TierSettings>; actor_id: string | null; now?: Date }, { container }) => {
    const result = await tiersService(container).updateSettings(input.changes, input.actor_id, input.now ? new Date(input.now) : new Date())
    return new StepResponse(result.settings, {
      previous: result.previous,
      actor_id: input.actor_id,
      periods_started: result.periods_started?.qualified_until ?? null,
    })
  },
  async (saved, { container }) => {
    if (!saved) return
    const service = tiersService(container)
    await service.updateSettings(saved.previous, saved.actor_id)
    if (saved.periods_started) await service.reopenPeriods(saved.periods_started)
  }
)
