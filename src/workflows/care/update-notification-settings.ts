import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { loadCareRulesStep } from "./steps/load-care-rules"
import { updateNotificationSettingsStep } from "./steps/update-notification-settings"
import { NotificationSettingInput } from "./types"

export const updateNotificationSettingsWorkflowId = "loyalty-update-notification-settings"

/**
 * Staff switch a kind of loyalty message off or on, or send it with another
 * template or channel than the plugin options give (Settings → Loyalty →
 * Actions and notifications). The next message of the kind follows it.
 * Answers the rules in effect afterwards.
 *
 * @summary Change how each kind of loyalty message is sent.
 *
 * @example
 * await updateNotificationSettingsWorkflow(container).run({
 *   input: { settings: [{ kind: "points-expiring", channel: "sms", template: "points-expiring-sms" }], actor_id: "user_123" },
 * })
 */
export const updateNotificationSettingsWorkflow = createWorkflow(
  updateNotificationSettingsWorkflowId,
  (input: { settings: NotificationSettingInput[]; actor_id: string | null }) => {
    updateNotificationSettingsStep(input)
    const care = loadCareRulesStep().config({ name: "loyalty-load-care-rules-after-update-step" })
    return new WorkflowResponse(care)
  }
)
