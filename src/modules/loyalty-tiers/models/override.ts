import { model } from "@medusajs/framework/utils"

/**
 * A tier set by staff, with a reason and an author, in effect until `ends_at`
 * (null = until ended by hand). At most one is active per customer; the
 * daily job ends it when its date passes and the earned tier takes over.
 */
const TierOverride = model
  .define("loyalty_tier_override", {
    id: model.id({ prefix: "ltovr" }).primaryKey(),
    customer_id: model.text(),
    /** The tier in effect during the override; null = no tier. */
    tier_id: model.text().nullable(),
    reason: model.text(),
    created_by: model.text(),
    ends_at: model.dateTime().nullable(),
    ended_at: model.dateTime().nullable(),
    ended_by: model.text().nullable(),
    end_reason: model.text().nullable(),
  })
  .indexes([
    { name: "IDX_loyalty_tier_override_active", on: ["customer_id"], unique: true, where: "ended_at IS NULL" },
    { name: "IDX_loyalty_tier_override_due", on: ["ends_at", "id"], where: "ended_at IS NULL AND ends_at IS NOT NULL" },
  ])

export default TierOverride
