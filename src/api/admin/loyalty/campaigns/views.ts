import { MedusaContainer } from "@medusajs/framework/types"
import { effectiveStatus } from "../../../../lib/campaigns/rules"
import { nextOccurrences } from "../../../../lib/campaigns/schedule"
import { CampaignRecord, CampaignResults, EarningRuleRecord } from "../../../../modules/loyalty-campaigns/types"
import { campaignsService } from "../../../../workflows/campaigns/steps/resolve-service"

export const campaignsModule = (scope: MedusaContainer) => campaignsService(scope)

/**
 * A campaign as the admin shows it: its fields, its status as of now
 * (`effective_status`: a published campaign is scheduled, live or ended by
 * its window), the budget left, its next occurrences and its results.
 */
export function adminCampaignView(campaign: CampaignRecord, results: CampaignResults | null, now = new Date()) {
  const { deleted_at, ...fields } = campaign
  return {
    ...fields,
    value: Number(campaign.value),
    stack_cap: campaign.stack_cap === null || campaign.stack_cap === undefined ? null : Number(campaign.stack_cap),
    spent_points: Number(campaign.spent_points),
    effective_status: effectiveStatus(campaign, now),
    budget_left: campaign.budget_points === null ? null : Math.max(campaign.budget_points - Number(campaign.spent_points), 0),
    next_occurrences: nextOccurrences(campaign, now, 5),
    results: results ?? { campaign_id: campaign.id, points: 0, orders: 0, customers: 0, order_amounts: {} },
  }
}

/** An earning rule as the earning-rule routes send it: its factor as a number, without `deleted_at`. */
export function earningRuleView(rule: EarningRuleRecord) {
  const { deleted_at, ...fields } = rule
  return { ...fields, factor: Number(rule.factor) }
}
