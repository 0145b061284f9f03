import type { TierExpiringEventData } from "../shared/events"
import { IdempotencyKeys } from "../shared/idempotency-keys"
import { comingDrop, reviewDate, standingAgainst, TierChangeReason, TierDefinition, TierMetrics, TierSettings } from "./rules"

/**
 * A customer's membership as pure rules: the state a change moves (kept to
 * undo it), what a change of the tier in effect announces, how the writes of
 * one decision add up, and the history's notes. The tiers module locks and
 * writes; these decide what is written.
 */

export type TierRef = { id: string; name: string; rank: number }

export type { TierChangeReason }

/** The membership columns a change moves, kept to undo it. */
export type MembershipState = {
  tier_id: string | null
  earned_tier_id: string | null
  qualified_at: Date | null
  qualified_until: Date | null
  override_id: string | null
}

/** A change of the tier in effect, as written to the history. */
export type TierChange = {
  history_id: string
  customer_id: string
  from: TierRef | null
  to: TierRef | null
  reason: TierChangeReason
  direction: "up" | "down"
  note: string
  qualified_until: Date | null
  /** The groups the customer leaves and joins (the tiers' customer groups). */
  from_group_id: string | null
  to_group_id: string | null
  /**
   * The bonus points of each tier this change reaches or passes by activity,
   * lowest first: going up from Bronze straight to Gold pays Silver's bonus
   * and Gold's (none for overrides, reviews down, moves). Only a change with
   * no override in effect moves by activity, so these are always among the
   * write's `bonuses`, which are what is paid.
   */
  bonuses: TierBonus[]
  /** Their sum. */
  bonus_points: number
}

/** One tier's bonus, credited once per customer and tier (`IdempotencyKeys.tierBonus`). */
export type TierBonus = { tier: TierRef; points: number }

/** What a write did to one customer's membership: enough to announce it and to undo it. */
export type MembershipWrite = {
  customer_id: string
  before: MembershipState
  after: MembershipState
  /**
   * The changes of the tier in effect, in order: an override that had run out
   * ends first, then what the write decided. Empty when the tier in effect
   * did not change (e.g. only `qualified_until` moved).
   */
  changes: TierChange[]
  /**
   * The bonuses this write pays (`earnedBonuses`): of each tier the EARNED
   * tier reaches or passes by activity, whether or not an override hides
   * the move from the tier in effect (then `changes` is empty). Paid once
   * per customer and tier (`IdempotencyKeys.tierBonus`).
   */
  bonuses: TierBonus[]
  /** Overrides this write created or ended, so a compensation can undo them. */
  created_override_id?: string | null
  ended_override_ids?: string[]
}

/** The dates that say whether a staff override still holds. */
type OverrideDates = { ended_at: Date | null; ends_at: Date | null }

/**
 * An override whose end date has passed and that nobody ended yet: a
 * decision about the customer ends it first, with its own history line.
 */
export function overrideRunOut(override: OverrideDates | null | undefined, now: Date): boolean {
  return !!override && !override.ended_at && !!override.ends_at && override.ends_at <= now
}

/** An override in effect at `now`: not ended, and not past its end date (a run-out one counts as ended already). */
export function overrideInEffect(override: OverrideDates, now: Date): boolean {
  return !override.ended_at && !(override.ends_at && override.ends_at <= now)
}

/**
 * The earned tier a period-end review leaves (`decideOnReview`'s decision):
 * the tier the period's activity still reaches, qualified for since before
 * when it is the one earned already, else since `now`; none; and the next
 * period's end.
 */
export function reviewedEarning(
  membership: Pick<MembershipState, "earned_tier_id" | "qualified_at">,
  decision: { tier: { id: string } | null; qualified_until: Date | null },
  now: Date
): Pick<MembershipState, "earned_tier_id" | "qualified_at" | "qualified_until"> {
  const earnedTierId = decision.tier?.id ?? null
  return {
    earned_tier_id: earnedTierId,
    qualified_at: earnedTierId === membership.earned_tier_id ? membership.qualified_at : earnedTierId ? now : null,
    qualified_until: decision.qualified_until,
  }
}

/** The history's note of a period-end review: the tier the period's activity keeps, or why it keeps none. */
export function reviewNote(
  qualifiedUntil: Date,
  keeps: TierDefinition | null,
  metrics: TierMetrics,
  previous: TierDefinition | null | undefined
): string {
  return keeps
    ? `Period ended ${isoDay(qualifiedUntil)}: ${describeMetrics(keeps, metrics)} keeps ${keeps.name}`
    : `Period ended ${isoDay(qualifiedUntil)}: the activity reaches no tier${previous ? ` (${previous.name} needs ${describeThreshold(previous)})` : ""}`
}

/** The tier fields a change names (a deleted tier's too: history keeps its name). */
export type ChangedTier = Pick<TierDefinition, "id" | "name" | "rank" | "customer_group_id" | "bonus_points">

export const tierRef = (tier: Pick<TierDefinition, "id" | "name" | "rank">): TierRef => ({
  id: tier.id,
  name: tier.name,
  rank: tier.rank,
})

/** A history line's two tiers, by id and by the name they had then (history keeps a renamed or deleted tier's name). */
export const historyTiers = (from: Pick<TierDefinition, "id" | "name"> | null, to: Pick<TierDefinition, "id" | "name"> | null) => ({
  from_tier_id: from?.id ?? null,
  from_tier_name: from?.name ?? null,
  to_tier_id: to?.id ?? null,
  to_tier_name: to?.name ?? null,
})

const toDate = (value: Date | string | null) => (value ? new Date(value) : null)

/** The state columns of a membership row (dates as dates, whatever the row held). */
export function stateOf(row: MembershipState): MembershipState {
  return {
    tier_id: row.tier_id,
    earned_tier_id: row.earned_tier_id,
    qualified_at: toDate(row.qualified_at),
    qualified_until: toDate(row.qualified_until),
    override_id: row.override_id,
  }
}

export function sameState(a: MembershipState, b: MembershipState): boolean {
  const time = (d: Date | string | null) => (d ? new Date(d).getTime() : null)
  return (
    a.tier_id === b.tier_id &&
    a.earned_tier_id === b.earned_tier_id &&
    a.override_id === b.override_id &&
    time(a.qualified_at) === time(b.qualified_at) &&
    time(a.qualified_until) === time(b.qualified_until)
  )
}

export const emptyState = (): MembershipState => ({
  tier_id: null,
  earned_tier_id: null,
  qualified_at: null,
  qualified_until: null,
  override_id: null,
})

/** The writes of one decision as one: from the first's before to the last's after, every change in order. */
export function mergeWrites(customerId: string, writes: MembershipWrite[]): MembershipWrite {
  if (!writes.length) {
    return { customer_id: customerId, before: emptyState(), after: emptyState(), changes: [], bonuses: [] }
  }
  return {
    customer_id: customerId,
    before: writes[0].before,
    after: writes[writes.length - 1].after,
    changes: writes.flatMap((write) => write.changes),
    bonuses: writes.flatMap((write) => write.bonuses),
    created_override_id: writes.map((write) => write.created_override_id).find(Boolean) ?? null,
    ended_override_ids: writes.flatMap((write) => write.ended_override_ids ?? []),
  }
}

/**
 * The tiers a move from `from` up to `to` passes on the way: ranked above
 * the one and below the other, lowest first.
 */
export function passedTiers<T extends ChangedTier>(ladder: Iterable<T>, from: ChangedTier | null, to: ChangedTier | null): T[] {
  const [low, high] = [from?.rank ?? 0, to?.rank ?? 0]
  return [...ladder].filter((tier) => tier.rank > low && tier.rank < high).sort((a, b) => a.rank - b.rank)
}

/**
 * The change of the tier in effect from `from` to `to`: up when the new tier
 * ranks higher (no tier ranks 0). Only activity (`qualified`, `review`) going
 * up pays bonuses, never overrides or moves: the new tier's, and those of the
 * tiers it `passed` on the way (`passedTiers`), so what a member is paid for
 * reaching Gold does not depend on whether their orders were counted one by
 * one (Silver, then Gold) or together (straight to Gold).
 */
export function tierChange(input: {
  history_id: string
  customer_id: string
  from: ChangedTier | null
  to: ChangedTier | null
  passed?: ChangedTier[]
  reason: TierChangeReason
  note: string
  qualified_until: Date | null
}): TierChange {
  const { from, to, reason } = input
  const up = (to?.rank ?? 0) > (from?.rank ?? 0)
  const bonuses = activityBonuses(from, to, input.passed ?? [], reason)
  return {
    history_id: input.history_id,
    customer_id: input.customer_id,
    from: from ? tierRef(from) : null,
    to: to ? tierRef(to) : null,
    reason,
    direction: up ? "up" : "down",
    note: input.note,
    qualified_until: input.qualified_until,
    from_group_id: from?.customer_group_id ?? null,
    to_group_id: to?.customer_group_id ?? null,
    bonuses,
    bonus_points: bonuses.reduce((sum, bonus) => sum + bonus.points, 0),
  }
}

/**
 * The bonuses of a move `from` → `to` by activity (`qualified`, `review`)
 * going up: the new tier's and those it `passed` on the way, lowest first;
 * none for overrides, moves or a way down.
 */
function activityBonuses(from: ChangedTier | null, to: ChangedTier | null, passed: ChangedTier[], reason: TierChangeReason): TierBonus[] {
  const up = (to?.rank ?? 0) > (from?.rank ?? 0)
  if (!up || !to || (reason !== "qualified" && reason !== "review")) return []
  return [...passed, to].filter((tier) => tier.bonus_points > 0).map((tier) => ({ tier: tierRef(tier), points: tier.bonus_points }))
}

/**
 * The bonuses a membership write pays: those of the EARNED tier's move up
 * by activity (`activityBonuses` over the tiers it passes), not the tier in
 * effect's. A member earns a tier when their activity reaches it, even while
 * a staff override decides the tier in effect (an import sets one for a
 * year): paying on the tier in effect paid nothing then, and nothing when
 * the override ended either (that change is `override_ended`, not
 * activity), and the earned tier was already up, so no later upgrade paid.
 */
export function earnedBonuses<T extends ChangedTier>(
  ladder: Iterable<T>,
  from: ChangedTier | null,
  to: ChangedTier | null,
  reason: TierChangeReason
): TierBonus[] {
  return activityBonuses(from, to, passedTiers(ladder, from, to), reason)
}

/**
 * The warning a member gets before the review drops their earned tier
 * (`loyalty.tier.expiring`), once per period: null when the activity of the
 * period so far still keeps the tier (the review's own rule, `comingDrop`).
 */
export function dropReminder<T extends TierDefinition>(input: {
  membership_id: string
  customer_id: string
  settings: TierSettings
  tiers: T[]
  earned: T
  qualified_until: Date
  metrics: TierMetrics
}): TierExpiringEventData | null {
  const drop = comingDrop({ tiers: input.tiers, earned: input.earned, metrics: input.metrics })
  if (!drop) return null
  return {
    id: IdempotencyKeys.tierDropReminder(input.membership_id, input.qualified_until),
    customer_id: input.customer_id,
    tier: tierRef(input.earned),
    keeps: drop.keeps ? tierRef(drop.keeps) : null,
    qualified_until: input.qualified_until.toISOString(),
    drops_at: reviewDate(input.settings, input.qualified_until)!.toISOString(),
    ...standingAgainst(input.earned, input.metrics),
  }
}

// ---------------------------------------------------------------- history notes

/** "2026-12-31" (UTC). */
export const isoDay = (date: Date | string) => new Date(date).toISOString().slice(0, 10)

/** "1000 points", "3 orders", "500 EUR or 550 USD". */
export function describeThreshold(tier: TierDefinition): string {
  if (tier.metric === "spend") {
    return Object.entries(tier.spend_thresholds ?? {})
      .map(([code, value]) => `${value} ${code.toUpperCase()}`)
      .join(" or ")
  }
  return `${tier.threshold} ${tier.metric}`
}

/** "1200 points of 1000", "3 orders of 3", "520 EUR of 500 EUR". */
export function describeMetrics(tier: TierDefinition, metrics: TierMetrics): string {
  switch (tier.metric) {
    case "points":
      return `${metrics.points} points of ${tier.threshold}`
    case "orders":
      return `${metrics.orders} orders of ${tier.threshold}`
    case "spend":
      return Object.entries(tier.spend_thresholds ?? {})
        .map(([code, value]) => `${metrics.spend[code] ?? 0} ${code.toUpperCase()} of ${value}`)
        .join(", ")
  }
}
