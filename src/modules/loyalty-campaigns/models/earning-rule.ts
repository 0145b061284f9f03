import { model } from "@medusajs/framework/utils"
import { EARNING_RULE_TARGETS } from "../../../lib/campaigns/rules"

/**
 * A per-product earning rule: lines of a product, category or collection
 * earn `factor` × the base (0 excludes them: gift card products, services).
 * Which rule wins for a line is `lineFactor`'s; the factors an order earned
 * with are recorded on its entry, so a later change of rules does not touch
 * reversals of earlier orders.
 */
const EarningRule = model
  .define("loyalty_earning_rule", {
    id: model.id({ prefix: "lerl" }).primaryKey(),
    target_type: model.enum([...EARNING_RULE_TARGETS]),
    target_id: model.text(),
    factor: model.bigNumber(),
    note: model.text().nullable(),
  })
  .checks([{ name: "loyalty_earning_rule_factor", expression: (c) => `${c.factor} >= 0` }])
  .indexes([{ on: ["target_type", "target_id"], unique: true, where: "deleted_at IS NULL" }])

export default EarningRule
