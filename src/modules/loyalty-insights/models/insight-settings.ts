import { model } from "@medusajs/framework/utils"

/**
 * The merchant's insight settings, one row (`id = "default"` by convention of
 * the service). Missing fields fall back to the plugin defaults.
 */
const InsightSettings = model.define("loyalty_insight_settings", {
  id: model.id({ prefix: "linset" }).primaryKey(),
  settings: model.json(),
  updated_by: model.text().nullable(),
})

export default InsightSettings
