import { model } from "@medusajs/framework/utils"

/**
 * How one kind of loyalty message is sent, as staff set it in Settings →
 * Loyalty → Actions and notifications: switched off, or another template or
 * channel than the plugin options give. One row per kind that staff changed;
 * a kind without a row follows the options.
 */
const NotificationSetting = model
  .define("loyalty_notification_setting", {
    id: model.id({ prefix: "lnset" }).primaryKey(),
    /** The message kind (`points-earned`, `tier-expiring`, …). */
    kind: model.text(),
    enabled: model.boolean().default(true),
    /** Null: the options' template (`care.notifications.templates`, default `loyalty-<kind>`). */
    template: model.text().nullable(),
    /** Null: the options' channel for the kind. */
    channel: model.text().nullable(),
    updated_by: model.text().nullable(),
  })
  .indexes([{ on: ["kind"], unique: true, where: "deleted_at IS NULL" }])

export default NotificationSetting
