import { CampaignDefinition } from "../campaigns/rules"
import { ProgramRules } from "../points/program"
import { TierDefinition, TierSettings } from "../tiers/rules"
import { WhatIfRules } from "./replay"

/** A proposed change of the rules: any part left out stays as it is now. */
export type WhatIfProposal = {
  program?: Partial<Pick<ProgramRules, "earn_rates" | "pending_days" | "expiry_months" | "point_values" | "min_redeem_points" | "redeem_step" | "max_redeem_share">>
  tiers?: (Pick<TierDefinition, "name" | "rank" | "metric" | "earn_multiplier"> & {
    id?: string
    threshold?: number | null
    spend_thresholds?: Record<string, number> | null
  })[]
  tier_settings?: Partial<TierSettings>
  campaigns?: (Omit<Partial<CampaignDefinition>, "campaign_id"> & { id?: string; name: string; type: CampaignDefinition["type"] })[]
}

/** A field as proposed: given (a `null` clears it), else the existing campaign's, else the default. */
function given<T>(proposed: T | undefined, existing: T | undefined, fallback: T): T {
  return proposed !== undefined ? proposed : existing !== undefined ? existing : fallback
}

/**
 * The rules a proposal stands for: the current rules with the proposal's
 * parts put in. Given tiers and campaigns replace the lists (a tier or
 * campaign keeps its id when the proposal names it, so recorded history
 * still points at it); a new campaign's defaults are the create route's
 * (best wins, priority 0, no targeting), and it runs as published
 * (`live`) unless its status says otherwise.
 */
export function proposedRules(current: WhatIfRules, proposal: WhatIfProposal, defaultTimeZone: string): WhatIfRules {
  const program: ProgramRules = { ...current.program, ...proposal.program, version: current.program.version + 1 }
  const tiers: TierDefinition[] = proposal.tiers
    ? proposal.tiers.map((tier, i) => {
        const existing = tier.id ? current.tiers.find((t) => t.id === tier.id) : undefined
        return {
          id: tier.id ?? `proposed_tier_${i + 1}`,
          name: tier.name,
          rank: tier.rank,
          metric: tier.metric,
          threshold: tier.threshold ?? null,
          spend_thresholds: tier.spend_thresholds ?? null,
          earn_multiplier: tier.earn_multiplier,
          perks: existing?.perks ?? null,
          customer_group_id: existing?.customer_group_id ?? null,
          bonus_points: existing?.bonus_points ?? 0,
        }
      })
    : current.tiers
  const campaigns: CampaignDefinition[] = proposal.campaigns
    ? proposal.campaigns.map((c, i) => {
        const existing = c.id ? current.campaigns.find((x) => x.campaign_id === c.id) : undefined
        return {
          campaign_id: c.id ?? `proposed_campaign_${i + 1}`,
          version: (existing?.version ?? 0) + 1,
          name: c.name,
          type: c.type,
          value: given(c.value, existing?.value, 0),
          rates: given(c.rates, existing?.rates, null),
          min_order_amounts: given(c.min_order_amounts, existing?.min_order_amounts, null),
          stacking: given(c.stacking, existing?.stacking, "best_wins"),
          stack_cap: given(c.stack_cap, existing?.stack_cap, null),
          priority: given(c.priority, existing?.priority, 0),
          status: given(c.status, existing?.status, "live"),
          starts_at: given(c.starts_at, existing?.starts_at, null),
          ends_at: given(c.ends_at, existing?.ends_at, null),
          recurrence: given(c.recurrence, existing?.recurrence, null),
          time_zone: c.time_zone ?? existing?.time_zone ?? defaultTimeZone,
          tier_ids: given(c.tier_ids, existing?.tier_ids, []),
          customer_group_ids: given(c.customer_group_ids, existing?.customer_group_ids, []),
          segments: given(c.segments, existing?.segments, []),
          sales_channel_ids: given(c.sales_channel_ids, existing?.sales_channel_ids, []),
          product_ids: given(c.product_ids, existing?.product_ids, []),
          collection_ids: given(c.collection_ids, existing?.collection_ids, []),
          category_ids: given(c.category_ids, existing?.category_ids, []),
          budget_points: given(c.budget_points, existing?.budget_points, null),
          per_customer_cap: given(c.per_customer_cap, existing?.per_customer_cap, null),
        }
      })
    : current.campaigns
  return {
    program,
    tiers,
    tier_settings: { ...current.tier_settings, ...proposal.tier_settings },
    campaigns: campaigns.filter((c) => c.status === "scheduled" || c.status === "live"),
    earning_rules: current.earning_rules,
  }
}
