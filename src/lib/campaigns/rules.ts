import { BigNumberInput } from "@medusajs/framework/types"
import { MathBN } from "@medusajs/framework/utils"
import { capOrderPoints } from "../points/earning"
import { Limits } from "../shared/vocabulary"
import { CampaignSchedule, runsAt } from "./schedule"

export const CAMPAIGN_TYPES = ["multiplier", "order_bonus", "amount_bonus"] as const
/**
 * - `multiplier`: the lines it covers earn `value` × the base rate (2 = double points);
 * - `order_bonus`: `value` points once per order;
 * - `amount_bonus`: `rates[currency]` extra points per unit of money on the lines it covers.
 */
export type CampaignType = (typeof CAMPAIGN_TYPES)[number]

export const CAMPAIGN_STACKING = ["best_wins", "additive"] as const
/**
 * - `best_wins`: competes with the customer's tier multiplier and the other
 *   `best_wins` campaigns of the order; only the one worth the most points
 *   applies (ties: the tier, then the higher priority);
 * - `additive`: adds its points on top, as long as the order's points stay
 *   within `stack_cap` × its base points (no cap when null).
 */
export type CampaignStacking = (typeof CAMPAIGN_STACKING)[number]

/** Statuses staff set; `scheduled`/`live`/`ended` of a published campaign also follow its window. */
export const CAMPAIGN_STATUSES = ["draft", "scheduled", "live", "paused", "ended"] as const
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number]

/** The fields of a campaign that make up its terms: changing one is a new version. */
export const VERSIONED_FIELDS = [
  "type",
  "value",
  "rates",
  "min_order_amounts",
  "starts_at",
  "ends_at",
  "recurrence",
  "time_zone",
  "tier_ids",
  "customer_group_ids",
  "segments",
  "sales_channel_ids",
  "product_ids",
  "collection_ids",
  "category_ids",
  "priority",
  "stacking",
  "stack_cap",
] as const

/**
 * Whether a change to a campaign is a new version: it sets a field of
 * `VERSIONED_FIELDS` to something other than what is stored (a stored date
 * compared as its ISO string, as a change spells it). Name, description and
 * status are not terms.
 */
export function changesTerms(
  stored: { [field in (typeof VERSIONED_FIELDS)[number]]?: unknown },
  changes: { [field in (typeof VERSIONED_FIELDS)[number]]?: unknown }
): boolean {
  return VERSIONED_FIELDS.some(
    (field) => field in changes && JSON.stringify(changes[field] ?? null) !== JSON.stringify(asChanged(stored[field]))
  )
}

/** A stored value as a change to it would be spelled (dates as ISO strings). */
function asChanged(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value ?? null
}

/** What an earning records of a campaign, and what its reversal uses: the campaign's terms at one version. */
export type CampaignTerms = {
  campaign_id: string
  version: number
  name: string
  type: CampaignType
  /** The multiplier (`multiplier`) or the points (`order_bonus`); unused by `amount_bonus`. */
  value: number
  /** `amount_bonus`: extra points per major unit, by lower-case currency code. */
  rates: Record<string, number> | null
  /** Smallest order (items after discounts, before tax and shipping) by currency; none when null. */
  min_order_amounts: Record<string, number> | null
  stacking: CampaignStacking
  stack_cap: number | null
  priority: number
}

/** Whom and what a campaign targets; an empty list does not restrict. */
export type CampaignTargeting = {
  tier_ids: string[]
  customer_group_ids: string[]
  /** Insight segments (RFM segment, loyalty-matrix segment, lifecycle stage or value band: "at_risk", "die_hard"). */
  segments: string[]
  sales_channel_ids: string[]
  product_ids: string[]
  collection_ids: string[]
  category_ids: string[]
}

/**
 * A campaign's targeting from a stored row or a request body, where a list
 * left out (or null) restricts nothing: the empty list.
 */
export function targetingOf(lists: { [K in keyof CampaignTargeting]?: string[] | null }): CampaignTargeting {
  return {
    tier_ids: lists.tier_ids ?? [],
    customer_group_ids: lists.customer_group_ids ?? [],
    segments: lists.segments ?? [],
    sales_channel_ids: lists.sales_channel_ids ?? [],
    product_ids: lists.product_ids ?? [],
    collection_ids: lists.collection_ids ?? [],
    category_ids: lists.category_ids ?? [],
  }
}

/** A campaign as earning evaluates it. */
export type CampaignDefinition = CampaignTerms &
  CampaignTargeting &
  CampaignSchedule & {
    status: CampaignStatus
    /** Most points the campaign may issue in all; none when null. */
    budget_points: number | null
    /** Most points one customer may receive from it; none when null. */
    per_customer_cap: number | null
  }

/** An order or cart line as earning sees it. */
export type EarnLine = {
  id: string
  /** Before tax, after discounts. */
  net: BigNumberInput
  is_giftcard?: boolean | null
  product_id?: string | null
  collection_id?: string | null
  category_ids?: string[] | null
}

/** Who places the order, where, when and in which currency. */
export type EarnContext = {
  at: Date | string
  currency_code: string
  sales_channel_id: string | null
  tier_id: string | null
  customer_group_ids: string[]
  segments: string[]
}

// ---------------------------------------------------------------- status

/**
 * The status staff see: a published campaign (`scheduled` or `live`) is
 * `scheduled` before its window, `live` inside it and `ended` after it.
 */
export function effectiveStatus(
  campaign: Pick<CampaignDefinition, "status" | "starts_at" | "ends_at">,
  now: Date | string
): CampaignStatus {
  if (campaign.status !== "scheduled" && campaign.status !== "live") return campaign.status
  const at = new Date(now).getTime()
  if (campaign.ends_at && at >= new Date(campaign.ends_at).getTime()) return "ended"
  if (campaign.starts_at && at < new Date(campaign.starts_at).getTime()) return "scheduled"
  return "live"
}

// ---------------------------------------------------------------- product rules

export const EARNING_RULE_TARGETS = ["product", "category", "collection"] as const
export type EarningRuleTarget = (typeof EARNING_RULE_TARGETS)[number]

/**
 * A per-product earning rule: lines of the product (or of a product in the
 * category or collection) earn `factor` × what they would (0 = excluded,
 * 3 = triple points). The factor scales everything the line earns, campaign
 * points included.
 */
export type EarningRule = { target_type: EarningRuleTarget; target_id: string; factor: number }

/**
 * The factor a line earns with. Gift cards earn nothing. The most specific
 * rule wins: the product's, else its categories', else its collection's;
 * where several rules of one level match (a product in two categories), the
 * lowest factor wins, so an exclusion is never undone by a bonus rule of the
 * same level. 1 without a rule.
 */
export function lineFactor(rules: EarningRule[], line: Pick<EarnLine, "is_giftcard" | "product_id" | "collection_id" | "category_ids">): number {
  if (line.is_giftcard) return 0
  const matching = (type: EarningRuleTarget, ids: (string | null | undefined)[]) =>
    rules.filter((rule) => rule.target_type === type && ids.includes(rule.target_id)).map((rule) => rule.factor)
  for (const factors of [
    matching("product", [line.product_id]),
    matching("category", line.category_ids ?? []),
    matching("collection", [line.collection_id]),
  ]) {
    if (factors.length) return Math.max(0, Math.min(...factors))
  }
  return 1
}

// ---------------------------------------------------------------- targeting

const restricts = (list: string[]) => list.length > 0
const meets = (list: string[], value: string | null | undefined) => !restricts(list) || (!!value && list.includes(value))
const meetsAny = (list: string[], values: string[]) => !restricts(list) || values.some((v) => list.includes(v))

/** Whether a line is one the campaign's product, collection and category targeting covers. */
export function coversLine(targeting: Pick<CampaignTargeting, "product_ids" | "collection_ids" | "category_ids">, line: EarnLine) {
  const targeted =
    restricts(targeting.product_ids) || restricts(targeting.collection_ids) || restricts(targeting.category_ids)
  if (!targeted) return true
  return (
    (!!line.product_id && targeting.product_ids.includes(line.product_id)) ||
    (!!line.collection_id && targeting.collection_ids.includes(line.collection_id)) ||
    (line.category_ids ?? []).some((id) => targeting.category_ids.includes(id))
  )
}

/** The smallest order the campaign asks for in a currency; 0 when none. */
export function minOrderAmount(terms: Pick<CampaignTerms, "min_order_amounts">, currencyCode: string): number {
  return Number(terms.min_order_amounts?.[currencyCode.toLowerCase()] ?? 0)
}

/**
 * Why a campaign does not apply to an order (null when it does): status,
 * schedule at the order's placement in the campaign's time zone, customer
 * (tier, group, segment), sales channel, currency, minimum order amount and
 * covered lines. `order_amount` is the order's items after discounts, before
 * tax and shipping; `covered` the ids of the earning lines the campaign covers.
 */
export function campaignMismatch(
  campaign: CampaignDefinition,
  context: EarnContext,
  order_amount: BigNumberInput,
  covered: string[]
): string | null {
  if (campaign.status !== "scheduled" && campaign.status !== "live") return `status ${campaign.status}`
  if (!runsAt(campaign, context.at)) return "not running at the order's time"
  if (!meets(campaign.tier_ids, context.tier_id)) return "tier"
  if (!meetsAny(campaign.customer_group_ids, context.customer_group_ids)) return "customer group"
  if (!meetsAny(campaign.segments, context.segments)) return "segment"
  if (!meets(campaign.sales_channel_ids, context.sales_channel_id)) return "sales channel"
  if (campaign.type === "amount_bonus" && !(Number(campaign.rates?.[context.currency_code.toLowerCase()] ?? 0) > 0)) {
    return "no rate in the order's currency"
  }
  if (MathBN.lt(order_amount, minOrderAmount(campaign, context.currency_code))) return "below the minimum order amount"
  if (!covered.length) return "no line it covers"
  return null
}

// ---------------------------------------------------------------- stacking

/** A campaign that applies to an order, with the lines it covers. */
export type ApplicableCampaign = CampaignTerms & { item_ids: string[] }

export type CampaignPlanInput = {
  /** Each earning line's amount: net × product factor × the share paid in cash. */
  line_amounts: Record<string, BigNumberInput>
  /** Base points per major unit; null earns nothing. */
  rate: number | null
  currency_code: string
  tier_multiplier: number
  campaigns: ApplicableCampaign[]
}

export type PlannedCampaign = ApplicableCampaign & {
  /** Points the campaign adds, before its budget and per-customer cap. */
  points: number
}

export type CampaignPlan = {
  /** The tier multiplier that applies: 1 when a `best_wins` campaign beat it. */
  tier_multiplier: number
  /** Points from the base rate and the tier: floor(Σ line amounts × rate × tier multiplier). */
  base_points: number
  campaigns: PlannedCampaign[]
  /** What base and campaigns gave together when that was more than one order earns; absent otherwise. */
  uncapped_points?: number
}

const sumOf = (amounts: Record<string, BigNumberInput>, ids?: string[]) =>
  (ids ?? Object.keys(amounts)).reduce((sum, id) => MathBN.add(sum, amounts[id] ?? 0), MathBN.convert(0))

const floorPoints = (value: BigNumberInput) => Math.max(0, Math.floor(Number(MathBN.convert(value).toFixed(6))))

/** What a campaign alone adds to an order, in points (unfloored). */
export function campaignExtra(
  terms: Pick<CampaignTerms, "type" | "value" | "rates">,
  coveredAmount: BigNumberInput,
  rate: number,
  currencyCode: string
): number {
  switch (terms.type) {
    case "multiplier":
      return MathBN.mult(MathBN.mult(coveredAmount, rate), Math.max(terms.value - 1, 0)).toNumber()
    case "amount_bonus":
      return MathBN.mult(coveredAmount, Number(terms.rates?.[currencyCode.toLowerCase()] ?? 0)).toNumber()
    case "order_bonus":
      return Math.max(terms.value, 0)
  }
}

const byPriority = (a: ApplicableCampaign, b: ApplicableCampaign) =>
  b.priority - a.priority || a.campaign_id.localeCompare(b.campaign_id)

/**
 * The stacking policy. `best_wins` campaigns and the tier multiplier
 * compete: the one adding the most points applies (ties: the tier, then the
 * higher priority, then the older id). `additive` campaigns then add their
 * points in priority order, each held so that the order's points stay within
 * its `stack_cap` × the base points (points at 1×). Each campaign's points
 * are floored on their own, so the entry's parts add up to its points.
 * The order's points stay within `Limits.order_points` (`withinOrderCap`).
 */
export function planCampaigns(input: CampaignPlanInput): CampaignPlan {
  if (input.rate === null) return { tier_multiplier: input.tier_multiplier, base_points: 0, campaigns: [] }
  const rate = input.rate
  const baseAmount = sumOf(input.line_amounts)
  const oneX = MathBN.mult(baseAmount, rate).toNumber()
  const extraOf = (c: ApplicableCampaign) =>
    campaignExtra(c, sumOf(input.line_amounts, c.item_ids), rate, input.currency_code)

  const tierExtra = oneX * (input.tier_multiplier - 1)
  let winner: { campaign: ApplicableCampaign; extra: number } | null = null
  for (const campaign of input.campaigns.filter((c) => c.stacking === "best_wins").sort(byPriority)) {
    const extra = extraOf(campaign)
    if (extra > Math.max(tierExtra, winner?.extra ?? 0)) winner = { campaign, extra }
  }
  const tierMultiplier = winner ? 1 : input.tier_multiplier
  const basePoints = floorPoints(MathBN.mult(MathBN.mult(baseAmount, rate), tierMultiplier))
  const planned: PlannedCampaign[] = []
  let total = basePoints
  if (winner) {
    const points = floorPoints(winner.extra)
    planned.push({ ...winner.campaign, points })
    total += points
  }
  for (const campaign of input.campaigns.filter((c) => c.stacking === "additive").sort(byPriority)) {
    let points = floorPoints(extraOf(campaign))
    if (campaign.stack_cap !== null && campaign.stack_cap !== undefined) {
      points = Math.min(points, Math.max(floorPoints(oneX * campaign.stack_cap) - total, 0))
    }
    if (points <= 0) continue
    planned.push({ ...campaign, points })
    total += points
  }
  return withinOrderCap({ tier_multiplier: tierMultiplier, base_points: basePoints, campaigns: planned })
}

/**
 * A plan held within `Limits.order_points`: the base first, then each
 * campaign in the order it applied, cut to what is left (left out at 0), so
 * the parts still add up to the order's points and no award asks for more
 * than the ledger holds. `uncapped_points` keeps what the plan gave.
 */
function withinOrderCap(plan: CampaignPlan): CampaignPlan {
  const uncapped = plan.base_points + plan.campaigns.reduce((sum, c) => sum + c.points, 0)
  const capped = capOrderPoints(uncapped)
  if (capped.uncapped_points === undefined) return plan
  const basePoints = Math.min(plan.base_points, capped.points)
  let left = capped.points - basePoints
  const campaigns = plan.campaigns.flatMap((campaign) => {
    const points = Math.min(campaign.points, left)
    left -= points
    return points > 0 ? [{ ...campaign, points }] : []
  })
  return { tier_multiplier: plan.tier_multiplier, base_points: basePoints, campaigns, uncapped_points: uncapped }
}

// ---------------------------------------------------------------- reversal

/** A campaign's part of an earning as the entry records it. */
export type RecordedCampaign = CampaignTerms & {
  item_ids: string[]
  /** Points actually issued (after budget and cap). */
  points: number
}

/**
 * What a campaign's part of an order is worth once the order changed, at
 * the campaign's recorded terms (not today's): multipliers and amount
 * bonuses follow the covered lines still paid for; an order bonus stays
 * while the order still meets the recorded minimum and keeps a covered line.
 * Never more than was issued; nothing on cancel.
 */
export function campaignPointsNow(
  recorded: RecordedCampaign,
  now: { canceled: boolean; line_amounts: Record<string, BigNumberInput>; order_amount: BigNumberInput },
  rate: number | null,
  currencyCode: string
): number {
  if (now.canceled || rate === null) return 0
  const covered = sumOf(now.line_amounts, recorded.item_ids)
  if (recorded.type === "order_bonus") {
    const keeps = covered.gt(0) && MathBN.gte(now.order_amount, minOrderAmount(recorded, currencyCode))
    return keeps ? recorded.points : 0
  }
  return Math.min(recorded.points, floorPoints(campaignExtra(recorded, covered, rate, currencyCode)))
}

/** Problems with a campaign's terms a merchant must fix before saving; empty when fine. */
export function termsProblems(terms: Omit<CampaignTerms, "campaign_id" | "version" | "name" | "priority">): string[] {
  const problems: string[] = []
  if (terms.type === "multiplier" && !(terms.value > 1)) problems.push("a multiplier campaign's value must be above 1")
  if (terms.type === "multiplier" && terms.value > Limits.campaign_multiplier) {
    problems.push(`a multiplier campaign's value must be at most ${Limits.campaign_multiplier}`)
  }
  if (terms.type === "order_bonus" && !(Number.isInteger(terms.value) && terms.value > 0)) {
    problems.push("an order bonus must be a whole number of points above 0")
  }
  if (terms.type === "amount_bonus" && !Object.values(terms.rates ?? {}).some((rate) => rate > 0)) {
    problems.push("an amount bonus needs rates: points per unit of money by currency")
  }
  if (terms.stack_cap !== null && terms.stacking !== "additive") problems.push("stack_cap applies to additive campaigns only")
  if (terms.stack_cap !== null && !(terms.stack_cap >= 1)) problems.push("stack_cap must be 1 or more")
  return problems
}
