import { sdk } from "./sdk"

const BASE = "/admin/loyalty"

export type CampaignType = "multiplier" | "order_bonus" | "amount_bonus"
export type CampaignStatus = "draft" | "scheduled" | "live" | "paused" | "ended"
export type CampaignStacking = "best_wins" | "additive"
export type CampaignRecurrence =
  | { kind: "monthly"; days: number[] }
  | { kind: "weekly"; weekdays: number[] }
  | { kind: "yearly"; dates: string[] }

export type Occurrence = { starts_at: string; ends_at: string }

/** A campaign as `GET /admin/loyalty/campaigns` answers it. */
export type LoyaltyCampaign = {
  id: string
  name: string
  description: string | null
  version: number
  status: CampaignStatus
  effective_status: CampaignStatus
  type: CampaignType
  value: number
  rates: Record<string, number> | null
  min_order_amounts: Record<string, number> | null
  starts_at: string | null
  ends_at: string | null
  recurrence: CampaignRecurrence | null
  time_zone: string
  tier_ids: string[]
  customer_group_ids: string[]
  segments: string[]
  sales_channel_ids: string[]
  product_ids: string[]
  collection_ids: string[]
  category_ids: string[]
  budget_points: number | null
  spent_points: number
  budget_left: number | null
  per_customer_cap: number | null
  priority: number
  stacking: CampaignStacking
  stack_cap: number | null
  next_occurrences: Occurrence[]
  results: { points: number; orders: number; customers: number; order_amounts: Record<string, number> }
}

/** Body of `POST /admin/loyalty/campaigns` (any subset for `POST /campaigns/:id`). */
export type LoyaltyCampaignBody = Partial<
  Omit<LoyaltyCampaign, "id" | "version" | "effective_status" | "spent_points" | "budget_left" | "next_occurrences" | "results">
> & { name: string; type: CampaignType }

export type CampaignScheduleBody = {
  starts_at?: string | null
  ends_at?: string | null
  recurrence?: CampaignRecurrence | null
  time_zone?: string
  count?: number
}

/** A per-product earning rule (factor 0 = the target earns nothing). */
export type EarningRule = {
  id: string
  target_type: "product" | "category" | "collection"
  target_id: string
  factor: number
  note: string | null
}
export type EarningRuleBody = Omit<EarningRule, "id">

/** A campaign's cost on past orders (`POST /admin/loyalty/campaign-cost`). */
export type CampaignCostResponse = {
  from: string
  to: string
  time_zone: string
  truncated: boolean
  cost: { orders: number; orders_reached: number; customers_reached: number; points: number; budget_exhausted: boolean }
}

export const campaignsApi = {
  cost: (body: LoyaltyCampaignBody) =>
    sdk.client.fetch<CampaignCostResponse>(`${BASE}/campaign-cost`, { method: "POST", body }),
  listRules: () => sdk.client.fetch<{ earning_rules: EarningRule[] }>(`${BASE}/earning-rules`),
  saveRule: (body: EarningRuleBody) =>
    sdk.client.fetch<{ earning_rule: EarningRule }>(`${BASE}/earning-rules`, { method: "POST", body }),
  removeRule: (id: string) =>
    sdk.client.fetch<{ id: string; deleted: boolean }>(`${BASE}/earning-rules/${encodeURIComponent(id)}`, {
      method: "DELETE",
    }),
  list: () => sdk.client.fetch<{ campaigns: LoyaltyCampaign[]; time_zone: string }>(`${BASE}/campaigns`),
  create: (body: LoyaltyCampaignBody) =>
    sdk.client.fetch<{ campaign: LoyaltyCampaign }>(`${BASE}/campaigns`, { method: "POST", body }),
  update: (id: string, body: Partial<LoyaltyCampaignBody>) =>
    sdk.client.fetch<{ campaign: LoyaltyCampaign }>(`${BASE}/campaigns/${encodeURIComponent(id)}`, {
      method: "POST",
      body,
    }),
  remove: (id: string) =>
    sdk.client.fetch<{ id: string; deleted: boolean }>(`${BASE}/campaigns/${encodeURIComponent(id)}`, {
      method: "DELETE",
    }),
  preview: (body: CampaignScheduleBody) =>
    sdk.client.fetch<{ time_zone: string; occurrences: Occurrence[] }>(`${BASE}/campaign-preview`, {
      method: "POST",
      body,
    }),
}
