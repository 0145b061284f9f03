import { BigNumberInput } from "@medusajs/framework/types"
import { MathBN } from "@medusajs/framework/utils"
import { computeEarning, EarnableCreditLine, EarnableItem, EarningBreakdown, withPoints } from "../points/earning"
import { earnRateFor, ProgramRules } from "../points/program"
import {
  ApplicableCampaign,
  CampaignDefinition,
  campaignMismatch,
  CampaignTerms,
  coversLine,
  EarningRule,
  lineFactor,
  planCampaigns,
  RecordedCampaign,
} from "./rules"

/** What earning needs besides the order: product rules, the campaigns that may run, and the customer's facts they target. */
export type CampaignInputs = {
  earning_rules: EarningRule[]
  campaigns: CampaignDefinition[]
  sales_channel_id: string | null
  customer_group_ids: string[]
  segments: string[]
}

export type CampaignEarningInput = {
  items: EarnableItem[]
  total: BigNumberInput
  credit_lines?: EarnableCreditLine[]
  rate: number | null
  currency_code: string
  /** When the order was placed (campaigns are evaluated at that instant). */
  at: Date | string
  tier: { id: string; earn_multiplier: number } | null
  tier_multiplier: number
  inputs: CampaignInputs | null
}

/** A campaign's part of an earning: its terms, the lines it covered, what the plan asked and what was issued. */
export type CampaignPart = RecordedCampaign & { requested_points: number }

export type CampaignEarning = {
  /** The earning breakdown; `points` = base + campaign parts, `multiplier` = the tier multiplier that applied. */
  breakdown: EarningBreakdown
  base_points: number
  /** Line id → factor, for the lines whose factor is not 1 (recorded so reversals use it). */
  line_factors: Record<string, number>
  campaigns: CampaignPart[]
}

/** The terms an earning records of a campaign (not its schedule or targeting). */
export const termsOf = (c: CampaignTerms): CampaignTerms => ({
  campaign_id: c.campaign_id,
  version: c.version,
  name: c.name,
  type: c.type,
  value: c.value,
  rates: c.rates,
  min_order_amounts: c.min_order_amounts,
  stacking: c.stacking,
  stack_cap: c.stack_cap,
  priority: c.priority,
})

const lineId = (item: EarnableItem, index: number) => item.id ?? `line-${index}`

/**
 * What an order or cart earns with the per-product rules and the campaigns
 * that apply at `at`: each line weighted by its rule (`lineFactor`), the
 * base and tier points, and each applicable campaign's points under the
 * stacking policy (`planCampaigns`), before budgets and caps. The cart
 * preview and the earn workflow both call this.
 */
export function earningWithCampaigns(input: CampaignEarningInput): CampaignEarning {
  const rules = input.inputs?.earning_rules ?? []
  const items = input.items.map((item) => ({ ...item, factor: lineFactor(rules, item) }))
  const breakdown = computeEarning({
    items,
    total: input.total,
    credit_lines: input.credit_lines,
    rate: input.rate,
    multiplier: input.tier_multiplier,
  })
  const lineFactors: Record<string, number> = {}
  const lineAmounts: Record<string, BigNumberInput> = {}
  const earning = items
    .map((item, index) => ({ ...item, id: lineId(item, index) }))
    .filter((item) => !item.is_giftcard)
  for (const item of earning) {
    if (item.factor !== 1) lineFactors[item.id] = item.factor
    if (item.factor > 0) {
      lineAmounts[item.id] = MathBN.mult(
        MathBN.mult(MathBN.sub(item.subtotal, item.discount_subtotal ?? 0), item.factor),
        breakdown.cash_share
      )
    }
  }

  const applicable: ApplicableCampaign[] = []
  if (input.inputs && input.rate !== null) {
    const context = {
      at: input.at,
      currency_code: input.currency_code,
      sales_channel_id: input.inputs.sales_channel_id,
      tier_id: input.tier?.id ?? null,
      customer_group_ids: input.inputs.customer_group_ids,
      segments: input.inputs.segments,
    }
    for (const campaign of input.inputs.campaigns) {
      const covered = earning
        .filter((item) => item.factor > 0 && coversLine(campaign, { ...item, net: 0 }))
        .map((item) => item.id)
      if (campaignMismatch(campaign, context, breakdown.items_net, covered) === null) {
        applicable.push({ ...termsOf(campaign), item_ids: covered })
      }
    }
  }
  if (!applicable.length) {
    return { breakdown, base_points: breakdown.points, line_factors: lineFactors, campaigns: [] }
  }
  const plan = planCampaigns({
    line_amounts: lineAmounts,
    rate: input.rate,
    currency_code: input.currency_code,
    tier_multiplier: input.tier_multiplier,
    campaigns: applicable,
  })
  const campaigns = plan.campaigns.map((c) => ({ ...c, requested_points: c.points }))
  const points = plan.base_points + sumPoints(campaigns)
  // The plan's cap, not the breakdown's: a campaign that beat the tier changed what the order earns.
  const capped = plan.uncapped_points === undefined ? { points } : { points, uncapped_points: plan.uncapped_points }
  return {
    breakdown: withPoints({ ...breakdown, multiplier: plan.tier_multiplier }, capped),
    base_points: plan.base_points,
    line_factors: lineFactors,
    campaigns,
  }
}

const sumPoints = (parts: { points: number }[]) => parts.reduce((sum, part) => sum + part.points, 0)


/** A cart or an order as its earning reads it. */
export type EarningDocument = Pick<CampaignEarningInput, "items" | "total" | "credit_lines" | "currency_code">

/**
 * What a cart or an order earns: its currency's rate under the program
 * rules, then `earningWithCampaigns` over its lines and totals. The cart
 * preview and the order's earning both call this, so they never differ.
 */
export function documentEarning(
  rules: ProgramRules,
  doc: EarningDocument,
  context: Pick<CampaignEarningInput, "at" | "tier" | "tier_multiplier" | "inputs">
): CampaignEarning & { rate: number | null } {
  const rate = earnRateFor(rules, doc.currency_code)
  const { items, total, credit_lines, currency_code } = doc
  return { rate, ...earningWithCampaigns({ items, total, credit_lines, currency_code, rate, ...context }) }
}

/** "Member day (×2) +100, Welcome bonus +25": the campaign parts of a reason. */
export function campaignReason(parts: CampaignPart[]): string {
  return parts
    .filter((part) => part.points > 0)
    .map((part) => `${part.name}${part.type === "multiplier" ? ` (×${part.value})` : ""} +${part.points}`)
    .join(", ")
}
