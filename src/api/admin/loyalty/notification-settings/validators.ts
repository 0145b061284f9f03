import { z } from "@medusajs/framework/zod"
import { NOTIFICATION_KINDS, NotificationKind } from "../../../../lib/care/rules"

const Kind = z.string().refine((kind): kind is NotificationKind => NOTIFICATION_KINDS.includes(kind as NotificationKind), {
  message: `kind must be one of ${NOTIFICATION_KINDS.join(", ")}`,
})

/** A template id or channel name as the Notification Module takes them; null goes back to the options' value. */
const Name = z.string().trim().min(1).max(255).nullable()

/** Staff's changes to some kinds of message: switched on or off, template, channel. */
export const AdminUpdateNotificationSettings = z.strictObject({
  kinds: z
    .array(
      z.strictObject({
        kind: Kind,
        enabled: z.boolean().optional(),
        template: Name.optional(),
        channel: Name.optional(),
      })
    )
    .min(1)
    .max(NOTIFICATION_KINDS.length)
    .refine((kinds) => new Set(kinds.map((k) => k.kind)).size === kinds.length, { message: "each kind may appear only once" }),
})
export type AdminUpdateNotificationSettingsType = z.infer<typeof AdminUpdateNotificationSettings>
