import { model } from "@medusajs/framework/utils"
import { REWARD_KINDS } from "../../../lib/shared/vocabulary"

/**
 * An item of the rewards catalog: what a shopper can buy with points. Only
 * kinds Medusa promotions can enforce exist: a fixed amount off (one amount
 * per currency), a percentage off the items (Medusa has no cap on a
 * percentage), or free shipping.
 */
const Reward = model
  .define("loyalty_reward", {
    id: model.id({ prefix: "lrwd" }).primaryKey(),
    name: model.text(),
    description: model.text().nullable(),
    kind: model.enum([...REWARD_KINDS]),
    /** For `fixed_amount`: money off by lower-case currency code, in major units. */
    amounts: model.json().nullable(),
    /** For `percentage`: 1–100. */
    percentage: model.float().nullable(),
    points_cost: model.number(),
    /** The catalog shows the reward only inside this window. */
    starts_at: model.dateTime().nullable(),
    ends_at: model.dateTime().nullable(),
    /** How many coupons of this reward one customer may hold over time; null = no limit. */
    per_customer_limit: model.number().nullable(),
    /** Days a coupon is valid after it is bought. */
    valid_days: model.number().default(30),
    /** Give the points back when a coupon expires unused. */
    refund_on_expiry: model.boolean().default(false),
    is_active: model.boolean().default(true),
  })
  .checks([
    { name: "loyalty_reward_points_cost_check", expression: (c) => `${c.points_cost} > 0` },
    { name: "loyalty_reward_valid_days_check", expression: (c) => `${c.valid_days} > 0` },
  ])

export default Reward
