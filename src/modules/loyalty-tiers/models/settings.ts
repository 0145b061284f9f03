import { model } from "@medusajs/framework/utils"
import { TIER_WINDOWS } from "../../../lib/tiers/rules"

/**
 * How tiers qualify, saved from the admin: the window and the grace days.
 * One row; until staff save it, the plugin options apply.
 */
const TierSettings = model
  .define("loyalty_tier_settings", {
    id: model.id({ prefix: "ltset" }).primaryKey(),
    window: model.enum([...TIER_WINDOWS]),
    window_months: model.number(),
    grace_days: model.number(),
    updated_by: model.text().nullable(),
  })
  .checks([
    { name: "loyalty_tier_settings_months_check", expression: (c) => `${c.window_months} >= 1` },
    { name: "loyalty_tier_settings_grace_check", expression: (c) => `${c.grace_days} >= 0` },
  ])

export default TierSettings
