import { model } from "@medusajs/framework/utils"
import { TIER_CHANGE_REASONS } from "../../../lib/tiers/rules"

/**
 * One change of a customer's tier in effect, with why: reached by activity
 * (`qualified`), the period-end `review`, a staff `override` or its end, or a
 * tier deleted with its members moved. Tier names are copied so the history
 * reads the same after a tier is renamed or deleted.
 */
const TierHistory = model
  .define("loyalty_tier_history", {
    id: model.id({ prefix: "lthis" }).primaryKey(),
    customer_id: model.text(),
    from_tier_id: model.text().nullable(),
    from_tier_name: model.text().nullable(),
    to_tier_id: model.text().nullable(),
    to_tier_name: model.text().nullable(),
    reason: model.enum([...TIER_CHANGE_REASONS]),
    /** Human-readable why: the staff's reason, or the activity that counted. */
    note: model.text(),
    actor_type: model.enum(["system", "admin"]).default("system"),
    actor_id: model.text().nullable(),
    qualified_until: model.dateTime().nullable(),
    /** Metrics and the membership before/after the change. */
    details: model.json().nullable(),
    idempotency_key: model.text(),
  })
  .indexes([
    { on: ["idempotency_key"], unique: true },
    { name: "IDX_loyalty_tier_history_customer_created", on: ["customer_id", "created_at"] },
  ])

export default TierHistory
