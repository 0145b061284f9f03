import type { CampaignStacking, CampaignStatus, CampaignType } from "../../lib/campaigns/rules"
import type { CampaignRecurrence } from "../../lib/campaigns/schedule"
import type { adminCampaignView, earningRuleView } from "../../api/admin/loyalty/campaigns/views"
import type { EarningRuleInput } from "../../workflows/campaigns/steps/create-earning-rule"
import { collectionApi, sdk } from "./sdk"
import type { Wire } from "./wire"

const BASE = "/admin/loyalty"

export type { CampaignRecurrence, CampaignStacking, CampaignStatus, CampaignType }

export type Occurrence = { starts_at: string; ends_at: string }

/**
 * A campaign as `GET /admin/loyalty/campaigns` answers it (`adminCampaignView`):
 * its terms, targeting and schedule, with its budget and results. The
 * recurrence is restated: through the model's inferred type, `Wire` keeps only
 * the union's common `kind`.
 */
export type LoyaltyCampaign = Omit<Wire<ReturnType<typeof adminCampaignView>>, "recurrence"> & {
  recurrence: CampaignRecurrence | null
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

/** A per-product earning rule (factor 0 = the target earns nothing), as `earningRuleView` sends it. */
export type EarningRule = Wire<ReturnType<typeof earningRuleView>>
/** Body of `POST /admin/loyalty/earning-rules`: the create step's input. */
export type EarningRuleBody = EarningRuleInput

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
  ...collectionApi<{ campaigns: LoyaltyCampaign[]; time_zone: string }, { campaign: LoyaltyCampaign }, LoyaltyCampaignBody>(
    `${BASE}/campaigns`
  ),
  preview: (body: CampaignScheduleBody) =>
    sdk.client.fetch<{ time_zone: string; occurrences: Occurrence[] }>(`${BASE}/campaign-preview`, {
      method: "POST",
      body,
    }),
}
