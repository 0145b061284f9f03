import { model } from "@medusajs/framework/utils"
import { CAMPAIGN_STACKING, CAMPAIGN_STATUSES, CAMPAIGN_TYPES } from "../../../lib/campaigns/rules"
import type { CampaignRecurrence } from "../../../lib/campaigns/schedule"

/**
 * A bonus campaign (member day, holiday bonus, triple points on a
 * collection). Every change to its terms, schedule or targeting bumps
 * `version`; an order's earning records the terms of the version it earned
 * with, so its reversal uses them. `spent_points` is the budget used so far,
 * raised only under the row's lock (`reserveAwards`).
 */
const Campaign = model
  .define("loyalty_campaign", {
    id: model.id({ prefix: "lcmp" }).primaryKey(),
    name: model.text(),
    description: model.text().nullable(),
    version: model.number().default(1),
    status: model.enum([...CAMPAIGN_STATUSES]).default("draft"),
    type: model.enum([...CAMPAIGN_TYPES]),
    /** The multiplier (`multiplier`) or the points (`order_bonus`). */
    value: model.bigNumber().default(0),
    /** `amount_bonus`: extra points per major unit by currency. */
    rates: model.json<Record<string, number>>().nullable(),
    min_order_amounts: model.json<Record<string, number>>().nullable(),
    starts_at: model.dateTime().nullable(),
    ends_at: model.dateTime().nullable(),
    recurrence: model.json<CampaignRecurrence>().nullable(),
    time_zone: model.text().default("UTC"),
    tier_ids: model.json<string[]>().default([]),
    customer_group_ids: model.json<string[]>().default([]),
    segments: model.json<string[]>().default([]),
    sales_channel_ids: model.json<string[]>().default([]),
    product_ids: model.json<string[]>().default([]),
    collection_ids: model.json<string[]>().default([]),
    category_ids: model.json<string[]>().default([]),
    budget_points: model.number().nullable(),
    /** A big number: a campaign without a budget counts every order's points, past a 32-bit integer in time. */
    spent_points: model.bigNumber().default(0),
    per_customer_cap: model.number().nullable(),
    priority: model.number().default(0),
    stacking: model.enum([...CAMPAIGN_STACKING]).default("best_wins"),
    stack_cap: model.bigNumber().nullable(),
  })
  .checks([
    { name: "loyalty_campaign_spent_within_budget", expression: (c) => `${c.budget_points} IS NULL OR ${c.spent_points} <= ${c.budget_points}` },
    { name: "loyalty_campaign_spent_not_negative", expression: (c) => `${c.spent_points} >= 0` },
  ])
  .indexes([{ on: ["status"] }])

export default Campaign
