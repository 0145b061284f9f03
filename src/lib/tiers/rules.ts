import { MathBN } from "@medusajs/framework/utils"
import { addDays, addMonths } from "../shared/dates"
import { LoyaltyPluginOptions, tiersOptions } from "../shared/options"
import { Limits } from "../shared/vocabulary"

/**
 * Membership tiers as pure rules: which tier a customer's activity qualifies
 * for, how long a tier is kept, when it is reviewed, what is missing for the
 * next one, and the earn multiplier. The tiers module stores; these decide.
 */

/** What a tier is reached by: qualifying points, money spent (per currency) or orders. */
export const TIER_METRICS = ["points", "spend", "orders"] as const
export type TierMetric = (typeof TIER_METRICS)[number]

/**
 * The qualification window: activity of the last N months (`rolling`), of
 * the calendar year (`calendar_year`, UTC), or of all time (`lifetime`).
 */
export const TIER_WINDOWS = ["rolling", "calendar_year", "lifetime"] as const
export type TierWindow = (typeof TIER_WINDOWS)[number]

/** Why a customer's tier changed (a tier history line): activity, the period-end review, staff, or a deleted tier. */
export const TIER_CHANGE_REASONS = ["qualified", "review", "override", "override_ended", "tier_deleted"] as const
export type TierChangeReason = (typeof TIER_CHANGE_REASONS)[number]

export type TierSettings = {
  window: TierWindow
  /** Length of a rolling window; ignored by the other windows. */
  window_months: number
  /** Days a customer keeps a tier after its period ended before it is reviewed. */
  grace_days: number
}

export type TierDefinition = {
  id: string
  name: string
  /** 1 = the lowest tier. Ranks are unique. */
  rank: number
  metric: TierMetric
  /** Points or orders needed (`points`/`orders` tiers); null for `spend`. */
  threshold: number | null
  /** Money needed per currency, major units (`spend` tiers): `{ eur: 500, usd: 550 }`. */
  spend_thresholds: Record<string, number> | null
  /** Multiplies what members of this tier earn (1 = no bonus). */
  earn_multiplier: number
  perks: string | null
  /** Medusa customer group that mirrors the tier's members. */
  customer_group_id: string | null
  /** Points credited once per customer the first time they qualify for the tier. */
  bonus_points: number
}

/** A customer's qualifying activity inside a window. */
export type TierMetrics = {
  /** Released points, without tier multipliers. */
  points: number
  /** Orders whose points were released. */
  orders: number
  /** Eligible amount of those orders, per lower-case currency code. */
  spend: Record<string, number>
}

export const EMPTY_METRICS: TierMetrics = { points: 0, orders: 0, spend: {} }

export const DEFAULT_TIER_SETTINGS: TierSettings = { window: "rolling", window_months: 12, grace_days: 0 }

/** Bounds shared by the validators and the module (and the admin, from the vocabulary). */
export const TIER_LIMITS = Limits.tier

// ---------------------------------------------------------------- qualification

/** Whether the activity reaches the tier. A spend tier is reached in any one of its currencies. */
export function meetsTier(tier: TierDefinition, metrics: TierMetrics): boolean {
  switch (tier.metric) {
    case "points":
      return tier.threshold !== null && metrics.points >= tier.threshold
    case "orders":
      return tier.threshold !== null && metrics.orders >= tier.threshold
    case "spend":
      return Object.entries(tier.spend_thresholds ?? {}).some(
        ([code, threshold]) => (metrics.spend[code] ?? 0) >= threshold
      )
  }
}

/** The highest-ranked tier the activity reaches, or null. */
export function qualifyingTier<T extends TierDefinition>(tiers: T[], metrics: TierMetrics): T | null {
  return [...tiers].sort((a, b) => b.rank - a.rank).find((tier) => meetsTier(tier, metrics)) ?? null
}

const rankOf = (tier: Pick<TierDefinition, "rank"> | null | undefined) => tier?.rank ?? 0

export type ActivityDecision =
  | { kind: "upgrade"; tier: TierDefinition; qualified_until: Date | null }
  | { kind: "extend"; qualified_until: Date }
  | null

/**
 * What new qualifying activity changes: an upgrade as soon as a higher tier is
 * reached, or a longer hold on the current tier when its threshold is reached
 * again in a later window. Never a downgrade: those wait for the review.
 */
export function decideOnActivity(input: {
  tiers: TierDefinition[]
  earned: TierDefinition | null
  qualified_until: Date | null
  metrics: TierMetrics
  settings: TierSettings
  now: Date
}): ActivityDecision {
  const target = qualifyingTier(input.tiers, input.metrics)
  if (!target) return null
  if (target.rank > rankOf(input.earned)) {
    return { kind: "upgrade", tier: target, qualified_until: keptUntil(input.settings, input.now) }
  }
  if (input.earned && target.id === input.earned.id && input.qualified_until) {
    const until = keptUntil(input.settings, input.now)
    if (until && until > input.qualified_until) {
      return { kind: "extend", qualified_until: until }
    }
  }
  return null
}

/**
 * The review at the end of a period (after the grace days): the customer
 * keeps the tier the review window's activity still reaches, lower or none
 * when it reaches less. `qualified_until` moves to the next period end.
 */
export function decideOnReview(input: {
  tiers: TierDefinition[]
  metrics: TierMetrics
  settings: TierSettings
  qualified_until: Date
  now: Date
}): { tier: TierDefinition | null; qualified_until: Date | null } {
  const tier = qualifyingTier(input.tiers, input.metrics)
  return {
    tier,
    qualified_until: tier ? nextPeriodEnd(input.settings, input.qualified_until, input.now) : null,
  }
}

/**
 * Whether a member's earned tier is about to drop: the activity of the
 * period under review so far (`metrics`) reaches a lower tier than `earned`,
 * or none. Null when it still reaches `earned` (or higher): the review would
 * keep it. Uses the review's own rule, so the reminder promises what the
 * review will do if nothing else counts before it.
 */
export function comingDrop<T extends TierDefinition>(input: {
  tiers: T[]
  earned: T
  metrics: TierMetrics
}): { keeps: T | null } | null {
  const keeps = qualifyingTier(input.tiers, input.metrics)
  return rankOf(keeps) < input.earned.rank ? { keeps } : null
}

// ---------------------------------------------------------------- windows and dates

const yearStart = (year: number) => new Date(Date.UTC(year, 0, 1))

/** The window new activity is measured in at `now`: [start, now]; start null = since ever. */
export function qualificationWindow(settings: TierSettings, now: Date): { start: Date | null; end: Date } {
  switch (settings.window) {
    case "rolling":
      return { start: addMonths(now, -settings.window_months), end: now }
    case "calendar_year":
      return { start: yearStart(now.getUTCFullYear()), end: now }
    case "lifetime":
      return { start: null, end: now }
  }
}

/**
 * How long a tier reached at `at` is kept before its review: N months for a
 * rolling window, through the end of the next calendar year for a calendar
 * window (reached in 2026 → kept through 2027), for ever for lifetime.
 */
export function keptUntil(settings: TierSettings, at: Date): Date | null {
  switch (settings.window) {
    case "rolling":
      return addMonths(at, settings.window_months)
    case "calendar_year":
      return yearStart(at.getUTCFullYear() + 2)
    case "lifetime":
      return null
  }
}

/** When a tier kept until `qualifiedUntil` is reviewed: after the grace days. */
export function reviewDate(settings: TierSettings, qualifiedUntil: Date | null): Date | null {
  return qualifiedUntil ? addDays(qualifiedUntil, settings.grace_days) : null
}

/**
 * Where the activity a review looks at starts: the period that just ended
 * (the last N months, or the calendar year before `qualifiedUntil`). The
 * review counts activity up to the moment it runs, so what a customer did in
 * the grace days counts too.
 *
 * A rolling period that a reach (or a hold) started at `qualifiedAt` starts
 * there: `keptUntil` of it is `qualifiedUntil`. Counting N months back from
 * the end is not the same on month ends (reached 2026-08-31, kept until
 * 2027-02-28, which minus 6 months is 2026-08-28): the window would take in
 * the activity that reached the tier and keep it a period more. A period a
 * review started (`qualifiedAt` is then an older reach, or the review's
 * day) runs N months back from its end.
 */
export function reviewWindowStart(settings: TierSettings, qualifiedUntil: Date, qualifiedAt?: Date | null): Date | null {
  switch (settings.window) {
    case "rolling":
      if (qualifiedAt && keptUntil(settings, new Date(qualifiedAt))?.getTime() === new Date(qualifiedUntil).getTime()) {
        return new Date(qualifiedAt)
      }
      return addMonths(qualifiedUntil, -settings.window_months)
    case "calendar_year":
      return yearStart(new Date(qualifiedUntil.getTime() - 1).getUTCFullYear())
    case "lifetime":
      return null
  }
}

/** The first period end after `now`, counted from `qualifiedUntil` in whole periods. */
export function nextPeriodEnd(settings: TierSettings, qualifiedUntil: Date, now: Date): Date | null {
  switch (settings.window) {
    case "rolling": {
      for (let periods = 1; ; periods++) {
        const end = addMonths(qualifiedUntil, periods * settings.window_months)
        if (end > now) return end
      }
    }
    case "calendar_year": {
      let year = qualifiedUntil.getUTCFullYear() + 1
      while (yearStart(year) <= now) year++
      return yearStart(year)
    }
    case "lifetime":
      return null
  }
}

// ---------------------------------------------------------------- progress

export type TierProgress = {
  tier: Pick<TierDefinition, "id" | "name" | "rank" | "metric">
  metric: TierMetric
  /** For spend: the currency the customer is closest in. */
  currency_code: string | null
  current: number
  target: number
  missing: number
  /**
   * Reach it before this date: the end of the calendar year, or (rolling) the
   * day the oldest counted activity leaves the window. Null when nothing
   * runs out.
   */
  by: Date | null
}

/** What is missing for the next tier above `current`; null at the top. */
export function progressToNext(input: {
  tiers: TierDefinition[]
  current: Pick<TierDefinition, "rank"> | null
  metrics: TierMetrics
  settings: TierSettings
  now: Date
  /** The oldest activity inside the current window (rolling windows). */
  oldest_activity_at: Date | null
}): TierProgress | null {
  const next = [...input.tiers].sort((a, b) => a.rank - b.rank).find((tier) => tier.rank > rankOf(input.current))
  if (!next) return null
  const standing = standingAgainst(next, input.metrics)
  let by: Date | null = null
  if (input.settings.window === "calendar_year") {
    by = yearStart(input.now.getUTCFullYear() + 1)
  } else if (input.settings.window === "rolling" && input.oldest_activity_at) {
    by = addMonths(input.oldest_activity_at, input.settings.window_months)
  }
  return { tier: { id: next.id, name: next.name, rank: next.rank, metric: next.metric }, ...standing, by }
}

/** Where activity stands against one tier's threshold: for spend, in the currency it is closest in. */
export function standingAgainst(
  tier: Pick<TierDefinition, "metric" | "threshold" | "spend_thresholds">,
  metrics: TierMetrics
): Pick<TierProgress, "metric" | "currency_code" | "current" | "target" | "missing"> {
  let current: number
  let target: number
  let currency: string | null = null
  if (tier.metric === "spend") {
    const entries = Object.entries(tier.spend_thresholds ?? {})
    const [code, threshold] = entries.reduce(
      (best, entry) => ((metrics.spend[entry[0]] ?? 0) / entry[1] > (metrics.spend[best[0]] ?? 0) / best[1] ? entry : best),
      entries[0] ?? ["", 0]
    )
    currency = code || null
    current = metrics.spend[code] ?? 0
    target = threshold
  } else {
    current = tier.metric === "points" ? metrics.points : metrics.orders
    target = tier.threshold ?? 0
  }
  const missing = MathBN.max(MathBN.sub(target, current), 0).toNumber()
  return { metric: tier.metric, currency_code: currency, current, target, missing: Number(missing.toFixed(4)) }
}

// ---------------------------------------------------------------- earning

/**
 * The multiplier a customer's tier gives their earnings: 1 without a tier.
 * The earn workflow and the cart preview both call this with the customer's
 * effective tier (an active override wins over the qualified tier), so the
 * preview promises what the order will earn.
 */
export function earnMultiplier(tier: Pick<TierDefinition, "earn_multiplier"> | null | undefined): number {
  const multiplier = Number(tier?.earn_multiplier ?? 1)
  return Number.isFinite(multiplier) && multiplier > 0 ? multiplier : 1
}

/**
 * What a release of an order's points adds to the customer's qualifying
 * activity. Points count without the tier multiplier (a tier never helps
 * keep itself); spend is the order's eligible amount (items after
 * discounts, without tax, shipping or the part paid with points), scaled
 * down by what was reversed before release.
 */
export function releaseActivity(input: {
  released_points: number
  earned_points: number
  eligible_amount: number
  multiplier: number
}): { points: number; amount: number; orders: number } {
  if (input.released_points <= 0 || input.earned_points <= 0) {
    return { points: 0, amount: 0, orders: 0 }
  }
  const share = MathBN.min(MathBN.div(input.released_points, input.earned_points), 1)
  return {
    points: Math.floor(input.released_points / (input.multiplier > 0 ? input.multiplier : 1) + 1e-9),
    amount: Number(MathBN.mult(input.eligible_amount, share).toFixed(4)),
    orders: 1,
  }
}

// ---------------------------------------------------------------- validation

type TierShape = Pick<
  TierDefinition,
  "name" | "rank" | "metric" | "threshold" | "spend_thresholds" | "earn_multiplier" | "bonus_points"
> & { id?: string }

const describeThreshold = (tier: TierShape, code?: string) =>
  tier.metric === "spend"
    ? `${tier.spend_thresholds?.[code ?? ""]} ${String(code).toUpperCase()}`
    : `${tier.threshold} ${tier.metric}`

/**
 * Problems with a whole set of tiers, each naming the tier: ranks unique,
 * names unique, a threshold that fits the metric, and thresholds that grow
 * with rank (among tiers of the same metric, and per currency for spend).
 * Empty when the set is fine.
 */
export function validateTierSet(tiers: TierShape[]): string[] {
  const problems: string[] = []
  if (tiers.length > TIER_LIMITS.max_tiers) {
    problems.push(`A program can have at most ${TIER_LIMITS.max_tiers} tiers`)
  }
  const names = new Map<string, string>()
  const ranks = new Map<number, string>()
  for (const tier of tiers) {
    const label = `"${tier.name}"`
    const key = tier.name.trim().toLowerCase()
    if (!key) problems.push("Every tier needs a name")
    if (names.has(key)) problems.push(`Two tiers are named ${label}`)
    names.set(key, tier.name)
    if (!Number.isInteger(tier.rank) || tier.rank < 1) problems.push(`${label}: rank must be a whole number of 1 or more`)
    if (ranks.has(tier.rank)) problems.push(`${label} and "${ranks.get(tier.rank)}" both have rank ${tier.rank}`)
    ranks.set(tier.rank, tier.name)
    if (tier.metric === "spend") {
      const entries = Object.entries(tier.spend_thresholds ?? {})
      if (!entries.length) problems.push(`${label}: a spend tier needs a threshold in at least one currency`)
      for (const [code, value] of entries) {
        if (!/^[a-z]{3}$/.test(code)) problems.push(`${label}: "${code}" is not a 3-letter currency code`)
        if (!(value > 0)) problems.push(`${label}: the ${code.toUpperCase()} threshold must be more than 0`)
      }
      if (tier.threshold !== null && tier.threshold !== undefined) {
        problems.push(`${label}: a spend tier takes spend_thresholds per currency, not threshold`)
      }
    } else {
      if (!Number.isInteger(tier.threshold) || (tier.threshold ?? 0) < 1) {
        problems.push(`${label}: threshold must be a whole number of ${tier.metric} of 1 or more`)
      }
      if (tier.spend_thresholds && Object.keys(tier.spend_thresholds).length) {
        problems.push(`${label}: spend_thresholds only apply to spend tiers`)
      }
    }
    if (!(tier.earn_multiplier >= TIER_LIMITS.min_multiplier && tier.earn_multiplier <= TIER_LIMITS.max_multiplier)) {
      problems.push(
        `${label}: earn_multiplier must be between ${TIER_LIMITS.min_multiplier} and ${TIER_LIMITS.max_multiplier}`
      )
    }
    if (!Number.isInteger(tier.bonus_points) || tier.bonus_points < 0) {
      problems.push(`${label}: bonus_points must be a whole number of 0 or more`)
    }
  }
  if (problems.length) return problems

  const ordered = [...tiers].sort((a, b) => a.rank - b.rank)
  const increaseProblem = (tier: TierShape, lower: TierShape, code?: string) =>
    `Thresholds must increase with rank: "${tier.name}" (rank ${tier.rank}) asks for ${describeThreshold(tier, code)}, ` +
    `not more than "${lower.name}" (rank ${lower.rank}) with ${describeThreshold(lower, code)}`
  ordered.forEach((tier, index) => {
    const below = ordered.slice(0, index).reverse().filter((lower) => lower.metric === tier.metric)
    if (tier.metric !== "spend") {
      const lower = below[0]
      if (lower && (tier.threshold ?? 0) <= (lower.threshold ?? 0)) problems.push(increaseProblem(tier, lower))
      return
    }
    for (const [code, value] of Object.entries(tier.spend_thresholds ?? {})) {
      const lower = below.find((candidate) => candidate.spend_thresholds?.[code] !== undefined)
      if (lower && value <= lower.spend_thresholds![code]) problems.push(increaseProblem(tier, lower, code))
    }
  })
  return problems
}

/** Lower-case currency keys, as everything else in the plugin stores them. */
export function normalizeSpendThresholds(map: Record<string, number> | null | undefined): Record<string, number> | null {
  if (!map) return null
  return Object.fromEntries(Object.entries(map).map(([code, value]) => [code.toLowerCase(), Number(value)]))
}

// ---------------------------------------------------------------- stored values

/** A tier as staff create or change it. */
export type TierInput = {
  name: string
  rank?: number
  metric: TierMetric
  threshold?: number | null
  spend_thresholds?: Record<string, number> | null
  earn_multiplier?: number
  perks?: string | null
  customer_group_id?: string | null
  bonus_points?: number
  metadata?: Record<string, unknown> | null
}

/**
 * Problems with the threshold fields of a change to a tier whose metric
 * (after the change) is `metric`: a spend tier takes `spend_thresholds`, a
 * points or orders tier `threshold`. `tierValues` clears the field of the
 * other metric (so a change of metric drops the old one), which made
 * `{ threshold: 500 }` on a spend tier a 200 that changed nothing; the body
 * alone cannot tell without its metric, so the check runs on the merged tier.
 */
export function metricFieldProblems(
  tier: { name: string; metric: TierMetric },
  changes: Pick<TierInput, "threshold" | "spend_thresholds">
): string[] {
  const label = `"${tier.name}"`
  if (tier.metric === "spend") {
    return changes.threshold !== undefined && changes.threshold !== null
      ? [`${label} is a spend tier: it takes spend_thresholds per currency (e.g. { "eur": 500 }), not threshold`]
      : []
  }
  return changes.spend_thresholds && Object.keys(changes.spend_thresholds).length
    ? [`${label} is a ${tier.metric} tier: it takes threshold (the ${tier.metric} to reach), not spend_thresholds`]
    : []
}

/**
 * A tier's stored values with the field of the other metric cleared: a spend
 * tier has no `threshold`, a points or orders tier no `spend_thresholds`.
 */
export function tierValues(input: TierInput & { rank: number }): Omit<TierDefinition, "id"> & {
  metadata: Record<string, unknown> | null
} {
  const spend = input.metric === "spend"
  return {
    name: input.name.trim(),
    rank: input.rank,
    metric: input.metric,
    threshold: spend ? null : input.threshold ?? null,
    spend_thresholds: spend ? normalizeSpendThresholds(input.spend_thresholds) : null,
    earn_multiplier: Number(input.earn_multiplier ?? 1),
    perks: input.perks?.trim() || null,
    customer_group_id: input.customer_group_id || null,
    bonus_points: input.bonus_points ?? 0,
    metadata: input.metadata ?? null,
  }
}

// ---------------------------------------------------------------- settings

/** The settings of the plugin options (`tiers`, or the deprecated flat `tier*` names), defaults filled in. */
export function settingsFromOptions(pluginOptions: LoyaltyPluginOptions = {}): TierSettings {
  const options = tiersOptions(pluginOptions)
  return {
    window: options.window ?? DEFAULT_TIER_SETTINGS.window,
    window_months: options.windowMonths ?? DEFAULT_TIER_SETTINGS.window_months,
    grace_days: options.graceDays ?? DEFAULT_TIER_SETTINGS.grace_days,
  }
}

/**
 * The period end that tiers earned under a lifetime window get when the
 * window changes to `rolling` or `calendar_year` at `now` (null: no change
 * of that kind). A lifetime tier has no period end, and the review only
 * looks at period ends, so without one a member kept their tier for ever
 * after the switch. They get a whole period under the new window, as if
 * reached at the switch: `keptUntil`. Treating an open period as due at
 * once would review them against activity the old rules never asked for,
 * with no time to keep the tier.
 */
export function openPeriodsEnd(previous: TierSettings, next: TierSettings, now: Date): Date | null {
  return previous.window === "lifetime" && next.window !== "lifetime" ? keptUntil(next, now) : null
}

/** Problems with qualification settings, in words for a 400; empty when they are fine. */
export function settingsProblems(settings: TierSettings): string[] {
  const problems: string[] = []
  if (!TIER_WINDOWS.includes(settings.window)) {
    problems.push(`window must be rolling, calendar_year or lifetime`)
  }
  if (!Number.isInteger(settings.window_months) || settings.window_months < 1 || settings.window_months > TIER_LIMITS.max_window_months) {
    problems.push(`window_months must be a whole number from 1 to ${TIER_LIMITS.max_window_months}`)
  }
  if (!Number.isInteger(settings.grace_days) || settings.grace_days < 0 || settings.grace_days > TIER_LIMITS.max_grace_days) {
    problems.push(`grace_days must be a whole number from 0 to ${TIER_LIMITS.max_grace_days}`)
  }
  return problems
}

/**
 * Whether a window leaves its start out. A rolling window is (start, end]: at
 * the end of a period, the activity that began it has left the window,
 * whether a review or an upgrade looks. A calendar window is [start, end].
 */
export const windowExcludesStart = (settings: TierSettings) => settings.window === "rolling"

// ---------------------------------------------------------------- metrics sums

/** One currency's sums of a customer's activity, as a grouped read returns them (Postgres sums as text). */
export type MetricsSums = {
  currency_code: string | null
  points: string | number
  orders: string | number
  amount: string | number
}

/** Add one currency's sums to a customer's metrics (spend kept to 4 decimals, per currency). */
export function addMetricsSums(metrics: TierMetrics, sums: MetricsSums): TierMetrics {
  metrics.points += Number(sums.points)
  metrics.orders += Number(sums.orders)
  if (sums.currency_code) {
    const amount = Number(sums.amount)
    metrics.spend[sums.currency_code] = Number(((metrics.spend[sums.currency_code] ?? 0) + amount).toFixed(4))
  }
  return metrics
}

/** A customer's metrics with the time of their oldest activity counted (how long until some of it leaves a rolling window). */
export type ActivityMetrics = TierMetrics & { oldest_at: Date | null }

/** Add one currency's sums and their oldest activity's time to a customer's metrics (`addMetricsSums`). */
export function addActivitySums(metrics: ActivityMetrics, sums: MetricsSums & { oldest_at: Date | string | null }): ActivityMetrics {
  addMetricsSums(metrics, sums)
  const at = sums.oldest_at ? new Date(sums.oldest_at) : null
  if (at && (!metrics.oldest_at || at < metrics.oldest_at)) metrics.oldest_at = at
  return metrics
}

/**
 * Which releases of a page are surely counted alike together and one at a
 * time (`page`: a customer's only release; a redelivered copy is the same
 * release), and which may not be (`one_by_one`: a customer's two or more,
 * since each evaluation may move them a tier and pay that tier's bonus, and
 * two thresholds crossed in one page are two upgrades one at a time). Both
 * lists keep the page's order.
 */
export function splitReleasePage<T extends { id: string; customer_id: string }>(releases: T[]): { page: T[]; one_by_one: T[] } {
  const ids = new Map<string, Set<string>>()
  for (const release of releases) ids.set(release.customer_id, (ids.get(release.customer_id) ?? new Set()).add(release.id))
  const several = (release: T) => ids.get(release.customer_id)!.size > 1
  return { page: releases.filter((release) => !several(release)), one_by_one: releases.filter(several) }
}
