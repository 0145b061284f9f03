import { model } from "@medusajs/framework/utils"

/**
 * The points one campaign gave one order, reserved against the campaign's
 * budget and the customer's cap before the order's earning is written. One
 * row per campaign and order: a replayed earning finds it and reserves
 * nothing twice. Sums of these rows are the per-customer cap's and the
 * per-campaign results' source.
 */
const CampaignAward = model
  .define("loyalty_campaign_award", {
    id: model.id({ prefix: "lcaw" }).primaryKey(),
    campaign_id: model.text(),
    campaign_version: model.number(),
    customer_id: model.text(),
    order_id: model.text(),
    /** What the stacking plan asked for. */
    requested_points: model.number(),
    /** What the budget and the cap let through. */
    points: model.number(),
    /** The order's amount (items after discounts, before tax) and currency, for results. */
    order_amount: model.bigNumber(),
    currency_code: model.text(),
  })
  .checks([{ name: "loyalty_campaign_award_points", expression: (c) => `${c.points} >= 0 AND ${c.points} <= ${c.requested_points}` }])
  .indexes([
    { on: ["campaign_id", "order_id"], unique: true, where: "deleted_at IS NULL" },
    { on: ["campaign_id", "customer_id"], where: "deleted_at IS NULL" },
  ])

export default CampaignAward
