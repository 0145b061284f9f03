import type { MedusaContainer, NotificationDTO } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { CareRules, NOTIFICATION_EVENTS, NOTIFICATION_KINDS, type NotificationKind } from "../../lib/care/rules"

/**
 * Each kind of message as staff see it: the event it answers, how it is sent,
 * and whether a provider serves its channel. One view for the settings route's
 * read and write, and the admin's type of both.
 */
export function notificationSettingsView(care: CareRules, providers: ReadonlySet<string>) {
  return {
    enabled: care.notifications.enabled,
    kinds: NOTIFICATION_KINDS.map((kind) => ({
      kind,
      event: NOTIFICATION_EVENTS[kind],
      ...care.notifications.kinds[kind],
      provider: providers.has(care.notifications.kinds[kind].channel),
    })),
  }
}

const MESSAGE_FIELDS = ["id", "template", "channel", "to", "status", "trigger_type", "created_at"] as const

/**
 * A loyalty message as the customer page lists it: the fields read, and its
 * trigger type is the message kind (the read filters on the plugin's kinds).
 */
export type MemberMessage = Omit<Pick<NotificationDTO, (typeof MESSAGE_FIELDS)[number]>, "trigger_type"> & {
  trigger_type: NotificationKind
}

/** The last ten loyalty messages the Notification Module sent a customer, newest first. */
export async function memberMessages(scope: MedusaContainer, customerId: string): Promise<MemberMessage[]> {
  const notifications = await scope.resolve(Modules.NOTIFICATION).listNotifications(
    // the plugin's messages: their trigger type is the message kind
    { receiver_id: customerId, trigger_type: NOTIFICATION_KINDS },
    { select: [...MESSAGE_FIELDS], order: { created_at: "DESC" }, take: 10 }
  )
  return notifications as MemberMessage[]
}
