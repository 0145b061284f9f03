import { model } from "@medusajs/framework/utils"

/**
 * Qualifying activity: one row per order whose points were released (so a
 * canceled order never counts), with the points it earned before any tier
 * multiplier, its eligible amount and currency. Tier metrics are sums over
 * these rows inside a window, read off the (customer_id, occurred_at) index.
 */
const TierActivity = model
  .define("loyalty_tier_activity", {
    id: model.id({ prefix: "ltact" }).primaryKey(),
    customer_id: model.text(),
    order_id: model.text().nullable(),
    currency_code: model.text().nullable(),
    points: model.number().default(0),
    amount: model.bigNumber().default(0),
    orders: model.number().default(0),
    occurred_at: model.dateTime(),
    /** The ledger entry this activity comes from (the release). */
    source_id: model.text().nullable(),
    idempotency_key: model.text(),
  })
  .indexes([
    { on: ["idempotency_key"], unique: true },
    { name: "IDX_loyalty_tier_activity_customer_time", on: ["customer_id", "occurred_at"] },
    { name: "IDX_loyalty_tier_activity_time", on: ["occurred_at"] },
  ])

export default TierActivity
