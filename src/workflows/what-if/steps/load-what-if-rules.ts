import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { TierDefinition } from "../../../lib/tiers/rules"
import type { WhatIfRules } from "../../../lib/what-if/replay"
import { toCampaignDefinition } from "../../../modules/loyalty-campaigns/service"
import { campaignsService } from "../../campaigns/steps/resolve-service"
import { pointsService } from "../../points/steps/resolve-service"
import { tiersService } from "../../tiers/steps/resolve-service"

export const loadWhatIfRulesStepId = "loyalty-load-what-if-rules-step"

/**
 * The rules in force, as the replay takes them: the program, the tiers and
 * their qualification settings, the published campaigns and the per-product
 * earning rules, each read from the module that owns them. Reads only.
 */
export const loadWhatIfRulesStep = createStep(loadWhatIfRulesStepId, async (_: void, { container }) => {
  const campaigns = campaignsService(container)
  const tiers = tiersService(container)
  const [program, tierRows, tierSettings, campaignRows, earningRules] = await Promise.all([
    pointsService(container).getProgramRules(),
    tiers.listTiersByRank(),
    tiers.getSettings(),
    campaigns.listCampaigns({ status: ["scheduled", "live"] }, { order: { priority: "DESC", id: "ASC" }, take: null }),
    campaigns.listEarningRuleTerms(),
  ])
  const rules: WhatIfRules = {
    program,
    tiers: tierRows.map(
      (t): TierDefinition => ({
        id: t.id,
        name: t.name,
        rank: t.rank,
        metric: t.metric,
        threshold: t.threshold === null || t.threshold === undefined ? null : Number(t.threshold),
        spend_thresholds: (t.spend_thresholds as Record<string, number> | null) ?? null,
        earn_multiplier: Number(t.earn_multiplier),
        perks: t.perks ?? null,
        customer_group_id: t.customer_group_id ?? null,
        bonus_points: Number(t.bonus_points ?? 0),
      })
    ),
    tier_settings: tierSettings,
    campaigns: campaignRows.map(toCampaignDefinition),
    earning_rules: earningRules,
  }
  return new StepResponse({ rules, time_zone: campaigns.defaultTimeZone() })
})
