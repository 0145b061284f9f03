import type { InferTypeOf } from "@medusajs/framework/types"
import type Campaign from "./models/campaign"
import type CampaignAward from "./models/campaign-award"
import type EarningRule from "./models/earning-rule"

export type CampaignRecord = InferTypeOf<typeof Campaign>
export type CampaignAwardRecord = InferTypeOf<typeof CampaignAward>
export type EarningRuleRecord = InferTypeOf<typeof EarningRule>

export type { CampaignsPluginOptions } from "../../lib/shared/options"

/** One order's campaign points to reserve against budgets and caps. */
export type ReserveAwardsInput = {
  order_id: string
  customer_id: string
  currency_code: string
  order_amount: number
  awards: { campaign_id: string; campaign_version: number; requested_points: number }[]
}

export type ReservedAward = {
  campaign_id: string
  /** What the budget and cap let through (the first reservation's, on a replay). */
  points: number
  requested_points: number
  /** The row's id when this call created it (for compensation), else null. */
  created_id: string | null
  /** This reservation spent the last of the campaign's budget. */
  budget_exhausted: boolean
}

/** Per-campaign results: points issued, orders and their amount by currency. */
export type { CampaignResults } from "../../lib/campaigns/awards"
