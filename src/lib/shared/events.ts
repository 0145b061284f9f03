/** Events the plugin emits, in one typed place. */
export const LoyaltyEvents = {
  POINTS_EARNED: "loyalty.points.earned",
  POINTS_RELEASED: "loyalty.points.released",
  POINTS_REVERSED: "loyalty.points.reversed",
  POINTS_EXPIRED: "loyalty.points.expired",
  POINTS_ADJUSTED: "loyalty.points.adjusted",
  POINTS_REDEEMED: "loyalty.points.redeemed",
  POINTS_RESTORED: "loyalty.points.restored",
  COUPON_ISSUED: "loyalty.coupon.issued",
  REFERRAL_REWARDED: "loyalty.referral.rewarded",
  TIER_CHANGED: "loyalty.tier.changed",
  CAMPAIGN_AWARDED: "loyalty.campaign.awarded",
  /** A lot expires soon (once per lot, `care.expiryReminderDays` ahead). */
  POINTS_EXPIRING: "loyalty.points.expiring",
  /** A member's tier will drop at its review unless more activity counts (once per period, `care.tierReminderDays` ahead). */
  TIER_EXPIRING: "loyalty.tier.expiring",
  /** A member was paid for an action (birthday, anniversary, review, a custom action). */
  ACTION_COMPLETED: "loyalty.action.completed",
} as const

/** The payload of `loyalty.points.expiring`: one lot, what is left of it and when it goes. */
export type PointsExpiringEventData = {
  lot_id: string
  customer_id: string
  account_id: string
  points: number
  expires_at: Date
}

/**
 * The payload of `loyalty.tier.expiring`: a member's earned tier will drop at
 * its review (`drops_at`, the period's end plus the grace days) to `keeps`
 * (null = no tier) unless `missing` more of the tier's metric counts before.
 */
export type TierExpiringEventData = {
  /** Unique per member and period: `<membership id>:<period end, ms>`. */
  id: string
  customer_id: string
  tier: TierEventRef
  keeps: TierEventRef | null
  /** The end of the period the tier is kept for. */
  qualified_until: string
  /** When the review would drop it. */
  drops_at: string
  metric: string
  /** For spend tiers: the currency of `current`, `target` and `missing`. */
  currency_code: string | null
  current: number
  target: number
  missing: number
}

/** The payload of `loyalty.action.completed`. */
export type ActionCompletedEventData = {
  /** The ledger entry that paid it. */
  id: string
  customer_id: string
  action_code: string
  action_name: string
  points: number
}

/** The payload every points event carries. */
export type PointsEventData = {
  id: string
  customer_id: string
  account_id: string
  type: string
  points: number
  order_id: string | null
  reason: string
  /**
   * Whether the member claimed a referral code, as their account said when
   * the entry was written (absent from events not written through an account
   * posting): the referrals subscriber looks up referrals only when it is not false.
   */
  referred?: boolean
}

/**
 * The payload of `loyalty.points.released`: the points event, plus the facts
 * the order earned with, so the tiers (and a merchant's subscriber) have
 * what they need without reading the ledger's `details`.
 */
export type PointsReleasedEventData = PointsEventData & {
  /** Points the order's earning recorded (with the tier and campaign multiplier). */
  earned_points: number
  /** The order's eligible amount at checkout, in major units of `currency_code`. */
  eligible_amount: number
  currency_code: string | null
  /** Tier × campaign multiplier the points were earned with. */
  multiplier: number
  /** When the points were released. */
  released_at: Date
}

/** What `pointsEventsFor` reads of a posting step's result. */
export type PostingEventSource = {
  entry: { id: string; account_id: string; type: string; points: number; order_id: string | null; reason: string }
  account: { customer_id: string; referred?: boolean }
  created: boolean
}

/**
 * Event payloads for the entries a step actually wrote: a replayed
 * idempotency key wrote nothing, so it announces nothing.
 */
export function pointsEventsFor(results: (PostingEventSource | null | undefined)[]): PointsEventData[] {
  return results
    .filter((result): result is PostingEventSource => !!result && result.created && result.entry.points !== 0)
    .map(({ entry, account }) => ({
      id: entry.id,
      customer_id: account.customer_id,
      account_id: entry.account_id,
      type: entry.type,
      points: entry.points,
      order_id: entry.order_id,
      reason: entry.reason,
      referred: account.referred,
    }))
}

/** The payload of `loyalty.coupon.issued`: a coupon bought with points, now usable at checkout. */
export type CouponIssuedEventData = {
  /** The coupon's id. */
  id: string
  customer_id: string
  reward_id: string
  /** The promotion code the shopper enters at checkout. */
  code: string
  /** The points the coupon cost. */
  points: number
  reward_name: string
}

/** The payload of `loyalty.referral.rewarded`: who was paid what, for which order. */
export type ReferralRewardedEventData = {
  /** The referral's id. */
  id: string
  referrer_id: string
  referee_id: string
  /** The friend's qualifying order. */
  order_id: string | null
  referrer_points: number
  referee_points: number
  /** The ledger entries (null for a side whose reward is 0). */
  referrer_entry_id: string | null
  referee_entry_id: string | null
}

/** A tier as events name it. */
export type TierEventRef = { id: string; name: string; rank: number }

/**
 * The payload of `loyalty.tier.changed`: one per change of a customer's tier
 * in effect. `from`/`to` are null for "no tier"; `reason` is `qualified`,
 * `review`, `override`, `override_ended` or `tier_deleted`.
 */
export type TierChangedEventData = {
  /** The tier history line. */
  id: string
  customer_id: string
  from: TierEventRef | null
  to: TierEventRef | null
  reason: string
  direction: "up" | "down"
  /** Why, in words: the staff's reason or the activity that counted. */
  note: string
  /** The earned tier is kept until then (null = no end). */
  qualified_until: string | null
}

/** A change as the tiers module reports it: the event's fields under the history line's id, the date not yet a string. */
type TierChangeSource = Omit<TierChangedEventData, "id" | "qualified_until"> & {
  history_id: string
  qualified_until: Date | string | null
}

/** Event payloads for the tier changes a step actually wrote. */
export function tierEventsFor(changes: (TierChangeSource | null | undefined)[]): TierChangedEventData[] {
  return changes
    .filter((change): change is TierChangeSource => !!change)
    .map((change) => ({
      id: change.history_id,
      customer_id: change.customer_id,
      from: change.from,
      to: change.to,
      reason: change.reason,
      direction: change.direction,
      note: change.note,
      qualified_until: change.qualified_until ? new Date(change.qualified_until).toISOString() : null,
    }))
}

/**
 * The payload of `loyalty.campaign.awarded`: one per campaign that gave an
 * order points (a storefront message such as "double points on member day",
 * or a merchant's alert when `budget_exhausted` says the budget is spent).
 */
export type CampaignAwardedEventData = {
  campaign_id: string
  campaign_version: number
  customer_id: string
  order_id: string
  points: number
  /** True for the award that spent the last of the campaign's budget. */
  budget_exhausted: boolean
}
