import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { messagesFor, NOTIFICATION_EVENTS } from "../lib/care/rules"
import { sendLoyaltyNotificationWorkflow } from "../workflows/care"

/**
 * The member hears what the program did for them: points earned, released,
 * expiring, taken back, a new tier, a referral reward, a coupon, a birthday
 * bonus, through the store's Notification Module (nothing without a provider,
 * nothing to members who opted out).
 */
export default async function sendLoyaltyNotification({ event, container }: SubscriberArgs<Record<string, unknown>>) {
  for (const message of messagesFor(event.name, event.data)) {
    await sendLoyaltyNotificationWorkflow(container).run({ input: message })
  }
}

export const config: SubscriberConfig = {
  event: [...new Set(Object.values(NOTIFICATION_EVENTS))],
  context: { subscriberId: "loyalty-notifications" },
}
