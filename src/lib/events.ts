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
} as const

/** The payload every points event carries. */
export type PointsEventData = {
  id: string
  customer_id: string
  account_id: string
  type: string
  points: number
  order_id: string | null
  reason: string
}

type EventSource = {
  entry: { id: string; account_id: string; type: string; points: number; order_id: string | null; reason: string }
  account: { customer_id: string }
  created: boolean
}

/**
 * Event payloads for the entries a step actually wrote: a replayed
 * idempotency key wrote nothing, so it announces nothing.
 */
export function pointsEventsFor(results: (EventSource | null | undefined)[]): PointsEventData[] {
  return results
    .filter((result): result is EventSource => !!result && result.created && result.entry.points !== 0)
    .map(({ entry, account }) => ({
      id: entry.id,
      customer_id: account.customer_id,
      account_id: entry.account_id,
      type: entry.type,
      points: entry.points,
      order_id: entry.order_id,
      reason: entry.reason,
    }))
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
