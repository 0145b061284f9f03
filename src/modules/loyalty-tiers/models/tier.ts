import { model } from "@medusajs/framework/utils"
import { TIER_METRICS } from "../../../lib/tiers/rules"

/**
 * One membership tier ("Silver", "Gold"). A customer reaches it when their
 * qualifying activity in the window reaches the threshold of its metric;
 * thresholds grow with rank. Deleted tiers are soft-deleted so history keeps
 * pointing at them; rank and name are unique among live tiers.
 */
const Tier = model
  .define("loyalty_tier", {
    id: model.id({ prefix: "ltier" }).primaryKey(),
    name: model.text(),
    /** 1 = the lowest tier. */
    rank: model.number(),
    metric: model.enum([...TIER_METRICS]),
    /** Points or orders to reach (`points`/`orders` tiers); null for `spend`. */
    threshold: model.number().nullable(),
    /** Money to reach, major units, per lower-case currency code (`spend` tiers). */
    spend_thresholds: model.json<Record<string, number>>().nullable(),
    /** Multiplies what members earn; 1 = no bonus. */
    earn_multiplier: model.float().default(1),
    /** What members get, in the merchant's words; shown to shoppers. */
    perks: model.text().nullable(),
    /** Medusa customer group mirroring the tier's members. */
    customer_group_id: model.text().nullable(),
    /** Points credited once per customer the first time they qualify for the tier. */
    bonus_points: model.number().default(0),
    metadata: model.json().nullable(),
  })
  .indexes([
    { on: ["rank"], unique: true },
    { on: ["name"], unique: true },
  ])
  .checks([
    { name: "loyalty_tier_rank_check", expression: (c) => `${c.rank} >= 1` },
    { name: "loyalty_tier_threshold_check", expression: (c) => `${c.threshold} IS NULL OR ${c.threshold} >= 1` },
    { name: "loyalty_tier_multiplier_check", expression: (c) => `${c.earn_multiplier} >= 1 AND ${c.earn_multiplier} <= 10` },
    { name: "loyalty_tier_bonus_check", expression: (c) => `${c.bonus_points} >= 0` },
  ])

export default Tier
