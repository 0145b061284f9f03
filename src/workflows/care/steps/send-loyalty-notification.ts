import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"

export const sendLoyaltyNotificationStepId = "loyalty-send-notification-step"

export type LoyaltyNotificationInput = {
  to: string
  channel: string
  template: string
  customer_id: string
  /** One per message: the Notification Module sends a key once (again only after a failure). */
  idempotency_key: string
  data: Record<string, unknown>
}

/**
 * Hand one message to the store's Notification Module, which renders the
 * template with its provider. A message cannot be unsent, so there is no
 * compensation; the idempotency key keeps a retried workflow from sending twice.
 */
export const sendLoyaltyNotificationStep = createStep(
  sendLoyaltyNotificationStepId,
  async (input: LoyaltyNotificationInput, { container }) => {
    const notifications = container.resolve(Modules.NOTIFICATION)
    const sent = await notifications.createNotifications({
      to: input.to,
      channel: input.channel,
      template: input.template,
      data: input.data,
      trigger_type: String(input.data.kind ?? "loyalty"),
      resource_type: "customer",
      resource_id: input.customer_id,
      receiver_id: input.customer_id,
      idempotency_key: input.idempotency_key,
    })
    return new StepResponse(sent ? { id: sent.id } : null)
  }
)
