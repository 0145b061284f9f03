import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { InsightSettings } from "../../lib/insights/rules"
import { updateInsightSettingsStep } from "./steps/update-insight-settings"

export const updateInsightSettingsWorkflowId = "loyalty-update-insight-settings"

/**
 * Change the insight settings: currency rates, acquisition cost, discount
 * rate, value weights, segment → customer group mirrors, feedback points.
 * They apply from the next recompute.
 *
 * @summary Change the customer insight settings.
 */
export const updateInsightSettingsWorkflow = createWorkflow(
  updateInsightSettingsWorkflowId,
  (input: { changes: Partial<InsightSettings>; actor_id: string | null }) => {
    return new WorkflowResponse(updateInsightSettingsStep(input))
  }
)
