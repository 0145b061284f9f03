import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { CareRules, LoyaltyMessage } from "../../lib/care/rules"
import { loadCareRulesStep } from "./steps/load-care-rules"
import { loadNotificationRecipientStep } from "./steps/load-notification-recipient"
import { LoyaltyNotificationInput, sendLoyaltyNotificationStep } from "./steps/send-loyalty-notification"

export const sendLoyaltyNotificationWorkflowId = "loyalty-send-notification"

export type SendLoyaltyNotificationInput = LoyaltyMessage & {
  /** Member care's rules when the caller has just read them (the notifications subscriber): not read again. */
  care?: CareRules
}

/**
 * Tell a member what a loyalty event did to their points, tier or rewards
 * (one message of `messagesFor`), through the store's Notification Module:
 * nothing when they opted out, or when the store has no provider for the
 * kind's channel, or when the kind is switched off. The kind's template and
 * channel are what staff saved in the admin, else the options'
 * (`care.notifications.templates` / `channels`, default `loyalty-<kind>` on
 * `email`); the data is the event's payload plus `kind`, `email` and
 * `first_name`.
 *
 * The notifications subscriber checks the kind and the provider before it
 * runs this (the same checks, without a read of the member) and hands over
 * the rules it read.
 *
 * @summary Send the member the message a loyalty event calls for.
 */
export const sendLoyaltyNotificationWorkflow = createWorkflow(
  sendLoyaltyNotificationWorkflowId,
  (message: SendLoyaltyNotificationInput) => {
    // The rules the subscriber read, else read here.
    const read = when({ message }, ({ message }) => !message.care).then(() => loadCareRulesStep())
    const care = transform({ message, read }, ({ message, read }): CareRules => message.care ?? read!)
    const recipientInput = transform({ message, care }, ({ message, care }) => ({
      customer_id: message.customer_id,
      channel: care.notifications.kinds[message.kind].channel,
      enabled: care.notifications.kinds[message.kind].enabled,
    }))
    const recipient = loadNotificationRecipientStep(recipientInput)
    const notification = transform({ message, care, recipient }, ({ message, care, recipient }) =>
      recipient.send && recipient.email
        ? {
            to: recipient.email,
            channel: care.notifications.kinds[message.kind].channel,
            template: care.notifications.kinds[message.kind].template,
            customer_id: recipient.customer_id,
            idempotency_key: message.idempotency_key,
            data: { ...message.data, email: recipient.email, first_name: recipient.first_name },
          }
        : null
    )
    const sent = when({ notification }, ({ notification }) => !!notification).then(() =>
      sendLoyaltyNotificationStep(notification as LoyaltyNotificationInput)
    )
    return new WorkflowResponse(transform({ sent, recipient }, ({ sent, recipient }) => ({ sent: !!sent, skipped: recipient.skipped })))
  }
)
