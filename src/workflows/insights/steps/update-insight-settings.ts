import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { InsightSettings } from "../../../lib/insights/rules"
import { insightsService } from "./resolve-service"

export const updateInsightSettingsStepId = "loyalty-update-insight-settings-step"

/** Save the merchant's changes; compensation puts the previous settings back. */
export const updateInsightSettingsStep = createStep(
  updateInsightSettingsStepId,
  async (input: { changes: Partial<InsightSettings>; actor_id: string | null }, { container }) => {
    const service = insightsService(container)
    const previous = await service.getSettings()
    const saved = await service.updateSettings(input.changes, input.actor_id)
    return new StepResponse(saved, { previous, actor_id: input.actor_id })
  },
  async (undo, { container }) => {
    if (undo) {
      await insightsService(container).updateSettings(undo.previous, undo.actor_id)
    }
  }
)
