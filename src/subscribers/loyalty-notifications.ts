import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { CareRules, messagesFor, NOTIFICATION_EVENTS } from "../lib/care/rules"
import { sharedReads } from "../lib/shared/shared-reads"
import { sendLoyaltyNotificationWorkflow } from "../workflows/care"
import { channelsWithProvider } from "../workflows/care/steps/notification-providers"
import { pointsService } from "../workflows/points/steps/resolve-service"

/** Member care's rules, one read for the events of a group that arrive together. */
const careRulesOfGroup = sharedReads<CareRules>()

/**
 * The member hears what the program did for them: points earned, released,
 * expiring, taken back, a new tier, a referral reward, a coupon, a birthday
 * bonus, through the store's Notification Module (nothing without a provider,
 * nothing to members who opted out). It runs after every points event of a
 * checkout, so what is the same for every member is decided first, with one
 * read (member care's rules) and the provider list read once per process: a
 * message that is switched off or has no provider for its channel runs no
 * workflow and reads nothing about the member.
 *
 * The events of one workflow run (its event group: a job's page of 1,000
 * tier changes, say) arrive together and share that one read (`sharedReads`:
 * the calls that ask in the same turn, before the read is sent), so a page
 * costs one query, not one per event. Nothing is cached beyond that read: a
 * change staff save is in the rules of every event handled after it.
 */
export default async function sendLoyaltyNotification({ event, container }: SubscriberArgs<Record<string, unknown>>) {
  const messages = messagesFor(event.name, event.data)
  if (!messages.length) return
  const [care, channels] = await Promise.all([
    careRulesOfGroup(event.metadata?.eventGroupId, () => pointsService(container).getCareRules()),
    channelsWithProvider(container),
  ])
  for (const message of messages) {
    const kind = care.notifications.kinds[message.kind]
    if (!kind.enabled || !channels.has(kind.channel)) continue
    await sendLoyaltyNotificationWorkflow(container).run({ input: { ...message, care } })
  }
}

export const config: SubscriberConfig = {
  event: [...new Set(Object.values(NOTIFICATION_EVENTS))],
  context: { subscriberId: "loyalty-notifications" },
}
