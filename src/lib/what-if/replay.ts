import { MathBN } from "@medusajs/framework/utils"
import { CampaignInputs } from "../campaigns/earning"
import { CampaignDefinition, EarningRule, lineFactor } from "../campaigns/rules"
import { runsAt } from "../campaigns/schedule"
import { EarnableCreditLine, POINTS_CREDIT_LINE_REFERENCE } from "../points/earning"
import { EarningTier, OrderForPoints, orderEarning } from "../points/order-points"
import { currencyDecimals } from "../points/redemption"
import { ProgramRules } from "../points/program"
import { addMonths } from "../shared/dates"
import { earnMultiplier, meetsTier, qualifyingTier, TierDefinition, TierMetrics, TierSettings } from "../tiers/rules"

/**
 * The what-if replay as pure rules: a store's past orders replayed under a
 * set of rules with the very functions the earn workflow uses
 * (`orderEarning`: per-product factors, the share paid with points, tier
 * multiplier, campaigns and their stacking), so the replay of the rules in
 * force reproduces what the ledger issued. What shoppers would then have
 * redeemed and let expire is modelled from each member's observed
 * behaviour (their own redemption ratio), under the rules' redemption
 * limits and expiry.
 */

/** Everything that decides what an order earns and what becomes of the points. */
export type WhatIfRules = {
  program: ProgramRules
  tiers: TierDefinition[]
  tier_settings: TierSettings
  campaigns: CampaignDefinition[]
  earning_rules: EarningRule[]
}

/** A past order's line as the replay reads it (before tax, after discounts). */
export type ReplayLine = {
  id: string
  subtotal: string | number
  discount_subtotal: string | number
  is_giftcard: boolean
  product_id: string | null
  collection_id: string | null
  category_ids: string[]
}

/** A past order as placed. */
export type ReplayOrder = {
  id: string
  currency_code: string
  created_at: Date
  /** What the shopper paid after every credit line, as placed (Medusa's `total`). */
  total: string | number
  /** Value of the points paid with (our credit lines). */
  points_credit: string | number
  sales_channel_id: string | null
  /** The tier in effect when the order was placed (the tier history), null when none. */
  tier_id: string | null
  lines: ReplayLine[]
  /** False for an order before the period, read only for the activity that qualifies tiers. */
  in_period?: boolean
}

/** One customer with their orders of the period, oldest first. */
export type ReplayCustomer = {
  id: string
  is_member: boolean
  customer_group_ids: string[]
  segments: string[]
  /** Points redeemed ÷ points credited over the member's whole ledger (0–1): their observed behaviour. */
  redemption_ratio: number
  /** Revenue of the period by currency (decimal strings), which the max redeem share bounds. */
  revenue: Record<string, string | number>
  /** Points each campaign gave this customer before the period (per-customer caps). */
  awards_before: Record<string, number>
  orders: ReplayOrder[]
}

/** What a customer's orders earn and become under one set of rules. */
export type CustomerOutcome = {
  issued: number
  /** Points by currency of the orders that earned them. */
  by_currency: Record<string, { issued: number; redeemed: number; expired: number; outstanding: number }>
  /** The tier the customer would hold at the period's end (simulated from activity). */
  tier_id: string | null
  /** Eligible money of the period by currency: what earned, for the forward view's points per unit. */
  eligible: Record<string, number>
}

/** Campaign budgets left at the period's start, mutated as the replay spends them (customer by customer). */
export type BudgetState = Map<string, number>

/** How the tier that multiplies an order's points is found. */
export type TierMode = "recorded" | "simulated"

const EPS = 1e-9

/**
 * Whether a proposal's tiers qualify customers differently from the current
 * ones (a changed threshold, metric or rank, a tier added or removed), or
 * points tiers meet changed earn rates: then the replay simulates who would
 * hold which tier; otherwise each order keeps the tier it was placed with
 * (earning at the proposal's multipliers).
 */
export function tiersNeedSimulation(current: WhatIfRules, proposed: WhatIfRules): boolean {
  const shape = (tiers: TierDefinition[]) =>
    JSON.stringify(
      [...tiers]
        .sort((a, b) => a.rank - b.rank)
        .map((t) => [t.id, t.rank, t.metric, t.threshold, t.spend_thresholds ?? null])
    )
  if (shape(current.tiers) !== shape(proposed.tiers)) return true
  if (JSON.stringify(current.tier_settings) !== JSON.stringify(proposed.tier_settings)) return true
  const ratesChanged = JSON.stringify(sorted(current.program.earn_rates)) !== JSON.stringify(sorted(proposed.program.earn_rates))
  return ratesChanged && proposed.tiers.some((t) => t.metric === "points")
}

/**
 * Where the replay starts reading orders: the period's start, or earlier
 * when tiers are simulated (the activity that qualified them: the tier
 * window before the period, at least a year; all of it for lifetime tiers).
 */
export function replayReadFrom(from: Date, current: WhatIfRules, proposed: WhatIfRules): Date {
  if (!tiersNeedSimulation(current, proposed)) return from
  const lookback = (rules: WhatIfRules) =>
    rules.tier_settings.window === "lifetime" ? new Date(0) : addMonths(from, -Math.max(rules.tier_settings.window_months, 12))
  return new Date(Math.min(lookback(current).getTime(), lookback(proposed).getTime()))
}

const sorted = (map: Record<string, number>) => Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)))

/** One qualifying activity: an order's points released (`at`). */
type Activity = { at: number; points: number; spend: Record<string, number> }

/**
 * The tier a customer holds at `at` from their released activity: the
 * highest tier reached at any release inside the kept period before `at`
 * (the rolling window, the calendar year kept through the next, or for
 * ever), each judged on the window's activity at that release, as the tier
 * rules upgrade at once and downgrade only at the review.
 */
export function simulatedTier(tiers: TierDefinition[], settings: TierSettings, activity: Activity[], at: Date): TierDefinition | null {
  const reached = activity.map((a, i) => ({
    at: a.at,
    tier: qualifyingTier(tiers, windowMetrics(settings, activity, i)),
    until: keptUntil(settings, a.at),
  }))
  return tierHeldAt(reached, at)
}

/** A release, the tier it reached, and until when that tier is kept (exclusive, epoch ms). */
type Reached = { at: number; tier: TierDefinition | null; until: number }

/** The highest tier reached at a release still kept at `at` (`reached` sorted by release). */
function tierHeldAt(reached: Reached[], at: Date): TierDefinition | null {
  let best: TierDefinition | null = null
  const now = at.getTime()
  for (const { at: release, tier, until } of reached) {
    if (release > now) break
    if (tier && tier.rank > (best?.rank ?? 0) && until > now) best = tier
  }
  return best
}

/** Until when a tier reached at `release` is kept: the rolling window, the calendar year and the next, or for ever. */
function keptUntil(settings: TierSettings, release: number): number {
  switch (settings.window) {
    case "rolling":
      return monthsLater(settings.window_months).at(release)
    case "calendar_year":
      return Date.UTC(new Date(release).getUTCFullYear() + 2, 0, 1)
    case "lifetime":
      return Infinity
  }
}

/** Where the qualification window that ends at `end` starts. */
function windowStart(settings: TierSettings, end: number): number {
  return settings.window === "rolling"
    ? monthsLater(-settings.window_months).at(end)
    : settings.window === "calendar_year"
      ? Date.UTC(new Date(end).getUTCFullYear(), 0, 1)
      : -Infinity
}

function windowMetrics(settings: TierSettings, activity: Activity[], upTo: number): TierMetrics {
  const start = windowStart(settings, activity[upTo].at)
  const metrics: TierMetrics = { points: 0, orders: 0, spend: {} }
  for (let j = 0; j <= upTo; j++) {
    const a = activity[j]
    if (a.at < start) continue
    metrics.points += a.points
    metrics.orders += 1
    for (const [code, amount] of Object.entries(a.spend)) metrics.spend[code] = (metrics.spend[code] ?? 0) + amount
  }
  return metrics
}

type Earned = { points: number; eligible: number; tier_multiplier: number }

/**
 * Memo of what an order earns when nothing about it but its money, currency
 * and tier matters (no campaign runs at its time): such orders of the same
 * shape earn the same, so `orderEarning` runs once per shape. Keyed level
 * by level (currency, tier multiplier, payment, lines), so a lookup hashes
 * short strings the rows already hold rather than a key built per order.
 * Bounded.
 */
export class EarningMemo {
  private readonly map = new Map<string, Map<number, Map<string, Map<string, Earned>>>>()
  private size = 0
  constructor(private readonly limit = 200_000) {}
  /** The lines' memo of one shape (currency, tier multiplier, payment), created when new. */
  shape(currency: string, multiplier: number, money: string): Map<string, Earned> {
    let byMultiplier = this.map.get(currency)
    if (!byMultiplier) this.map.set(currency, (byMultiplier = new Map()))
    let byMoney = byMultiplier.get(multiplier)
    if (!byMoney) byMultiplier.set(multiplier, (byMoney = new Map()))
    let lines = byMoney.get(money)
    if (!lines) byMoney.set(money, (lines = new Map()))
    return lines
  }
  set(shape: Map<string, Earned>, lines: string, value: Earned) {
    if (this.size >= this.limit) {
      // Forget everything but the shape being filled (its map is held by the caller).
      this.map.clear()
      this.size = 0
      shape.clear()
    }
    shape.set(lines, value)
    this.size++
  }
}

/**
 * `addMonths` per release, memoised by day: a release keeps its time of day,
 * so adding months to any instant of one day moves it by that day's offset.
 */
class MonthsLater {
  private readonly offsets = new Map<number, number>()
  constructor(readonly months: number) {}
  at(ms: number): number {
    const day = Math.floor(ms / DAY_MS)
    let offset = this.offsets.get(day)
    if (offset === undefined) {
      const start = day * DAY_MS
      offset = addMonths(new Date(start), this.months).getTime() - start
      if (this.offsets.size > 10_000) this.offsets.clear()
      this.offsets.set(day, offset)
    }
    return ms + offset
  }
}

const DAY_MS = 24 * 60 * 60 * 1000
const NO_CAMPAIGNS: CampaignDefinition[] = []

/** What replaying one set of rules needs besides the customer. */
export type ReplayContext = {
  rules: WhatIfRules
  tier_mode: TierMode
  /** Campaign budgets left (points); campaigns without a budget are absent. */
  budgets: BudgetState
  /** The period's end: expiry and end-of-period tiers are judged then. */
  to: Date
  memo: EarningMemo
}

const pointsCreditLines = (value: string | number): EarnableCreditLine[] =>
  Number(value) > 0 ? [{ amount: value, reference: POINTS_CREDIT_LINE_REFERENCE }] : []

/** A past order as earning reads one when it is placed: a member's, pending, paid with its points credit. */
const asPlacedOrder = (order: ReplayOrder, customerId: string, items: OrderForPoints["items"]): OrderForPoints => ({
  id: order.id,
  display_id: null,
  currency_code: order.currency_code,
  status: "pending",
  created_at: order.created_at,
  customer_id: customerId,
  is_member: true,
  total: Number(order.total),
  items,
  credit_lines: pointsCreditLines(order.points_credit),
  cart_id: null,
})

/**
 * Lines of one order with the same factor merged into one (their nets
 * added): what the order earns is the same (the factor multiplies each net
 * and the floor comes last), and the memo key is short.
 */
function mergedByFactor(rules: EarningRule[], lines: ReplayLine[]) {
  const only = lines.length === 1 ? lines[0] : null
  if (only && !rules.length && !only.is_giftcard && Number(only.discount_subtotal) === 0) {
    return [{ factor: 1, net: String(only.subtotal), line: only }]
  }
  const byFactor = new Map<number, { net: ReturnType<typeof MathBN.convert>; line: ReplayLine }>()
  for (const line of lines) {
    if (line.is_giftcard) continue
    const factor = rules.length ? lineFactor(rules, line) : 1
    const net = MathBN.sub(line.subtotal, line.discount_subtotal)
    const seen = byFactor.get(factor)
    byFactor.set(factor, seen ? { net: MathBN.add(seen.net, net), line: seen.line } : { net, line })
  }
  return [...byFactor.entries()].map(([factor, { net, line }]) => ({ factor, net: net.toString(), line }))
}

/**
 * What one customer's orders of the period earn under `ctx.rules`, and what
 * becomes of those points by the period's end: each order through
 * `orderEarning` (the earn workflow's function) with the tier in effect
 * (recorded, or simulated from the replayed activity) and the campaigns
 * running at its time, held within each campaign's per-customer cap and
 * budget; then redeemed at the member's observed ratio within the
 * program's redemption limits, and expired where a lot's expiry falls
 * before the period's end.
 */
export function replayCustomer(customer: ReplayCustomer, ctx: ReplayContext): CustomerOutcome {
  const { rules } = ctx
  const outcome: CustomerOutcome = { issued: 0, by_currency: {}, tier_id: null, eligible: {} }
  if (!customer.is_member) return outcome
  const tierById = rules.tiers.length ? new Map(rules.tiers.map((t) => [t.id, t])) : null
  const activity: Activity[] = []
  // The tier each release reached, computed once as activity is added (releases come in order).
  const reached: Reached[] = []
  const capUsed = new Map(Object.entries(customer.awards_before))
  // Points of lots whose expiry falls before the period's end, by currency.
  const expiring: Record<string, number> = {}
  const expiry = rules.program.expiry_months > 0 ? monthsLater(rules.program.expiry_months) : null
  // The qualification window's sums, slid along the releases (they come in order): points and orders
  // kept as running totals; spend (a float) added afresh over the window, in order, when a tier needs it.
  const byRank = [...rules.tiers].sort((a, b) => b.rank - a.rank)
  const spendTiers = rules.tiers.some((t) => t.metric === "spend")
  let lo = 0
  let windowPoints = 0
  let windowOrders = 0
  const toMs = ctx.to.getTime()
  const pendingMs = rules.program.pending_days * DAY_MS
  const hasCampaigns = rules.campaigns.length > 0

  for (const order of customer.orders) {
    const placed = order.created_at.getTime()
    const tierDef =
      ctx.tier_mode === "recorded"
        ? order.tier_id && tierById
          ? tierById.get(order.tier_id) ?? null
          : null
        : tierHeldAt(reached, order.created_at)
    const running = hasCampaigns ? rules.campaigns.filter((c) => runsAt(c, order.created_at)) : NO_CAMPAIGNS
    let points: number
    let eligible: number
    let tierMultiplier: number
    if (!running.length) {
      // Without points paid, only the total's sign matters (the cash share is 1 or 0).
      const money = Number(order.points_credit) > 0 ? `${order.total}|${order.points_credit}` : Number(order.total) > 0 ? "+" : "0"
      const only = order.lines.length === 1 ? order.lines[0] : null
      // One plain line and no per-product rule (the common case): its net is the key, nothing to merge.
      const plain = only && !rules.earning_rules.length && !only.is_giftcard && Number(only.discount_subtotal) === 0
      const merged = plain ? null : mergedByFactor(rules.earning_rules, order.lines)
      const linesKey = plain
        ? String(only!.subtotal)
        : merged!.length === 1 && merged![0].factor === 1
          ? merged![0].net
          : merged!.map((m) => `${m.factor}:${m.net}`).join(",")
      const shape = ctx.memo.shape(order.currency_code, earnMultiplier(tierDef ? tierOf(tierDef) : null), money)
      let hit = shape.get(linesKey)
      if (!hit) {
        const tier = tierDef ? tierOf(tierDef) : null
        const items = (merged ?? [{ factor: 1, net: String(only!.subtotal), line: only! }]).map((m, i) => ({
          id: `line-${i}`,
          subtotal: m.net,
          discount_subtotal: 0,
          product_id: m.line.product_id,
          collection_id: m.line.collection_id,
          category_ids: m.line.category_ids,
        }))
        const earning = orderEarning(
          asPlacedOrder(order, customer.id, items),
          rules.program,
          tier,
          rules.earning_rules.length ? { earning_rules: rules.earning_rules, campaigns: [], sales_channel_id: null, customer_group_ids: [], segments: [] } : null
        )
        hit = {
          points: earning?.points ?? 0,
          eligible: earning?.details.eligible_amount ?? 0,
          tier_multiplier: earning?.details.multiplier ?? 1,
        }
        ctx.memo.set(shape, linesKey, hit)
      }
      ;({ points, eligible, tier_multiplier: tierMultiplier } = hit)
    } else {
      const inputs: CampaignInputs = {
        earning_rules: rules.earning_rules,
        campaigns: running,
        sales_channel_id: order.sales_channel_id,
        customer_group_ids: customer.customer_group_ids,
        segments: customer.segments,
      }
      const earning = orderEarning(
        asPlacedOrder(order, customer.id, order.lines.map((line) => ({ ...line }))),
        rules.program,
        tierDef ? tierOf(tierDef) : null,
        inputs
      )
      eligible = earning?.details.eligible_amount ?? 0
      tierMultiplier = earning?.details.multiplier ?? 1
      points = earning?.details.base_points ?? earning?.points ?? 0
      // Budgets and per-customer caps, as the earn workflow reserves them.
      for (const part of earning?.details.campaigns ?? []) {
        let granted = part.requested_points
        const definition = running.find((c) => c.campaign_id === part.campaign_id)
        if (definition?.per_customer_cap !== null && definition?.per_customer_cap !== undefined) {
          granted = Math.min(granted, Math.max(definition.per_customer_cap - (capUsed.get(part.campaign_id) ?? 0), 0))
        }
        const left = ctx.budgets.get(part.campaign_id)
        if (left !== undefined) {
          granted = Math.min(granted, left)
          ctx.budgets.set(part.campaign_id, left - granted)
        }
        capUsed.set(part.campaign_id, (capUsed.get(part.campaign_id) ?? 0) + granted)
        points += granted
      }
    }
    const code = order.currency_code.toLowerCase()
    const release = placed + pendingMs
    if (rules.tiers.length) {
      // Tiers count released points without the tier multiplier.
      const released = Math.floor(points / (tierMultiplier || 1) + EPS)
      activity.push({ at: release, points: released, spend: { [code]: eligible } })
      windowPoints += released
      windowOrders += 1
      const start = windowStart(rules.tier_settings, release)
      while (activity[lo].at < start) {
        windowPoints -= activity[lo].points
        windowOrders -= 1
        lo++
      }
      const metrics: TierMetrics = { points: windowPoints, orders: windowOrders, spend: spendTiers ? spendFrom(activity, lo) : {} }
      reached.push({ at: release, tier: byRank.find((tier) => meetsTier(tier, metrics)) ?? null, until: keptUntil(rules.tier_settings, release) })
    }
    if (order.in_period === false) continue
    outcome.issued += points
    outcome.eligible[code] = (outcome.eligible[code] ?? 0) + eligible
    const bucket = (outcome.by_currency[code] ??= { issued: 0, redeemed: 0, expired: 0, outstanding: 0 })
    bucket.issued += points
    if (expiry && expiry.at(release) <= toMs) expiring[code] = (expiring[code] ?? 0) + points
  }

  // What the member would have done with those points: their own redemption ratio, within the limits.
  for (const [code, bucket] of Object.entries(outcome.by_currency)) {
    bucket.redeemed = redeemable(bucket.issued, customer.redemption_ratio, rules.program, code, customer.revenue[code] ?? 0)
    const unredeemed = bucket.issued - bucket.redeemed
    bucket.expired = bucket.issued > 0 ? Math.floor((unredeemed * (expiring[code] ?? 0)) / bucket.issued + EPS) : 0
    bucket.outstanding = bucket.issued - bucket.redeemed - bucket.expired
  }
  outcome.tier_id = tierHeldAt(reached, ctx.to)?.id ?? null
  return outcome
}

/** Spend per currency of the activity from `lo` on, added in order. */
function spendFrom(activity: Activity[], lo: number): Record<string, number> {
  const spend: Record<string, number> = {}
  for (let j = lo; j < activity.length; j++) {
    for (const [code, amount] of Object.entries(activity[j].spend)) spend[code] = (spend[code] ?? 0) + amount
  }
  return spend
}

/** The tier as earning takes it. */
const tierOf = (tier: TierDefinition): EarningTier => ({ id: tier.id, name: tier.name, earn_multiplier: tier.earn_multiplier })

/** One `MonthsLater` per number of months (a pure function of the day, so shared). */
const laters = new Map<number, MonthsLater>()
function monthsLater(months: number): MonthsLater {
  let later = laters.get(months)
  if (!later) laters.set(months, (later = new MonthsLater(months)))
  return later
}

/**
 * Points a member would redeem of `issued`: their observed ratio, in whole
 * redeem steps, nothing below the minimum, and never more than the max
 * share of what they spent could take (point value × points ≤ share ×
 * revenue).
 */
export function redeemable(
  issued: number,
  ratio: number,
  program: Pick<ProgramRules, "min_redeem_points" | "redeem_step" | "max_redeem_share" | "point_values">,
  currencyCode: string,
  revenue: string | number
): number {
  let points = Math.floor(issued * Math.min(Math.max(ratio, 0), 1) + EPS)
  const value = program.point_values[currencyCode.toLowerCase()]
  if (value && value > 0) {
    const cap = Math.floor(MathBN.div(MathBN.mult(revenue, program.max_redeem_share), value).toNumber() + EPS)
    points = Math.min(points, Math.max(cap, 0))
  }
  const step = Math.max(program.redeem_step, 1)
  points -= points % step
  return points >= program.min_redeem_points ? points : 0
}

/** Totals of one set of rules over the customers replayed. */
export type RulesTotals = {
  issued: number
  redeemed: number
  expired: number
  outstanding: number
  by_currency: Record<string, { issued: number; redeemed: number; expired: number; outstanding: number; eligible: number }>
  /** Members at the period's end by tier id ("" = no tier). */
  tiers: Record<string, number>
}

export const emptyTotals = (): RulesTotals => ({ issued: 0, redeemed: 0, expired: 0, outstanding: 0, by_currency: {}, tiers: {} })

/** Add one customer's outcome to the totals. */
export function addOutcome(totals: RulesTotals, outcome: CustomerOutcome, isMember: boolean): void {
  totals.issued += outcome.issued
  for (const [code, c] of Object.entries(outcome.by_currency)) {
    const t = (totals.by_currency[code] ??= { issued: 0, redeemed: 0, expired: 0, outstanding: 0, eligible: 0 })
    t.issued += c.issued
    t.redeemed += c.redeemed
    t.expired += c.expired
    t.outstanding += c.outstanding
    totals.redeemed += c.redeemed
    totals.expired += c.expired
    totals.outstanding += c.outstanding
  }
  for (const [code, amount] of Object.entries(outcome.eligible)) {
    const t = (totals.by_currency[code] ??= { issued: 0, redeemed: 0, expired: 0, outstanding: 0, eligible: 0 })
    t.eligible += amount
  }
  if (isMember) totals.tiers[outcome.tier_id ?? ""] = (totals.tiers[outcome.tier_id ?? ""] ?? 0) + 1
}

/** A customer the change affects, for the "most affected" list. */
export type AffectedCustomer = {
  customer_id: string
  current_points: number
  proposed_points: number
  delta: number
  current_tier_id: string | null
  proposed_tier_id: string | null
}

/** Keep the `size` customers with the largest |delta| (ties: the lower id), in that order. */
export function keepMostAffected(list: AffectedCustomer[], candidate: AffectedCustomer, size: number): void {
  if (candidate.delta === 0 && candidate.current_tier_id === candidate.proposed_tier_id) return
  const score = (c: AffectedCustomer) => Math.abs(c.delta)
  const before = (a: AffectedCustomer, b: AffectedCustomer) => score(a) > score(b) || (score(a) === score(b) && a.customer_id < b.customer_id)
  if (list.length >= size && !before(candidate, list[list.length - 1])) return
  let i = list.length
  while (i > 0 && before(candidate, list[i - 1])) i--
  list.splice(i, 0, candidate)
  if (list.length > size) list.pop()
}

/** Money of `points` at a point value, rounded to the currency's precision, as a decimal string. */
export function pointsMoney(points: number, pointValue: number | undefined, currencyCode: string): string {
  return MathBN.mult(points, pointValue ?? 0).toFixed(currencyDecimals(currencyCode))
}

/** `part / whole` as a share with 6 decimals, null when the whole is 0. */
export function share(part: string | number, whole: string | number): number | null {
  return MathBN.convert(whole).gt(0) ? Number(MathBN.div(part, whole).toFixed(6)) : null
}
