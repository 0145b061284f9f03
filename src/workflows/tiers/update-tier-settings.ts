import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { TierSettings } from "../../lib/tiers/rules"
import { updateTierSettingsStep } from "./steps/update-tier-settings"

export const updateTierSettingsWorkflowId = "loyalty-update-tier-settings"

/**
 * Save how tiers qualify: the window (rolling N months, calendar year or
 * lifetime) and the grace days before a review. Periods already running keep
 * their end date; the next evaluation and review use the new settings. Tiers
 * earned under a lifetime window have no period: leaving lifetime gives them
 * one from `now` under the new window (as if reached then), or they would
 * never be reviewed.
 *
 * @summary Change the tiers' qualification window and grace period.
 */
export const updateTierSettingsWorkflow = createWorkflow(
  updateTierSettingsWorkflowId,
  (input: { changes: Partial<TierSettings>; actor_id: string | null; now?: Date }) => {
    return new WorkflowResponse(updateTierSettingsStep(input))
  }
)
