import type { InferTypeOf } from "@medusajs/framework/types"
import type Account from "./models/account"
import type Action from "./models/action"
import type Coupon from "./models/coupon"
import type Entry from "./models/entry"
import type Reward from "./models/reward"

import type { OrderFigures } from "../../lib/points/ledger"
import type { ActorType, EntryType, OrderFactSource } from "../../lib/shared/vocabulary"

export type { ActorType, EntryType }

/** A ledger entry as stored (the generated DTO): every figure a shopper or an admin may need to see why. */
export type LedgerEntry = Omit<InferTypeOf<typeof Entry>, "account">

/** A customer's account with its cached figures (the generated DTO, without its relations). */
export type LoyaltyAccount = Omit<InferTypeOf<typeof Account>, "entries" | "lots">

/** What every write returns: the entry for the key, and whether this call wrote it. */
export type PostingResult = {
  entry: LedgerEntry
  account: LoyaltyAccount
  /** False when the idempotency key was already used: `entry` is the first result. */
  created: boolean
}

/** Who and why, common to every posting. */
export type PostingBase = {
  customer_id: string
  idempotency_key: string
  reason: string
  actor_type?: ActorType
  actor_id?: string | null
  reference_type?: string | null
  reference_id?: string | null
  order_id?: string | null
  program_version?: number | null
  currency_code?: string | null
  details?: Record<string, unknown> | null
}

export type CreditPosting = PostingBase & {
  type: "earn" | "adjust" | "restore"
  points: number
  expires_at: Date | null
  /**
   * At most `count` credits with this posting's `reference_type` and
   * `reference_id` since `since` (null = ever), counted under the account's
   * lock: an action's per-customer limit.
   */
  limit?: { count: number; since: Date | null } | null
}

/** A lot the expiry reminder claimed: it is announced once (`loyalty.points.expiring`). */
export type ExpiringLot = {
  lot_id: string
  account_id: string
  customer_id: string
  points: number
  expires_at: Date
}

/** What a shopper sets for themselves: their birthday and whether they want loyalty messages. */
export type MemberPreferencesInput = {
  customer_id: string
  /** `{ month, day }`; null clears it (staff only, with `allow_birthday_change`); undefined leaves it. */
  birthday?: { month: number; day: number } | null
  notifications_opt_out?: boolean
  /** Staff correcting a birthday: allowed to change one that is set. */
  allow_birthday_change?: boolean
  now: Date
}

export type DebitPosting = PostingBase & {
  type: "adjust" | "redeem"
  points: number
}

export type OrderPendingPosting = PostingBase & {
  points: number
  release_at: Date
}

export type OrderReleaseInput = {
  order_id: string
  customer_id: string
  now: Date
  expires_at: Date | null
}

export type OrderReversalInput = {
  order_id: string
  customer_id: string
  /** The order was canceled: nothing of it stays earned. */
  canceled: boolean
  /**
   * Points the order should stand at now (`orderPointsTargets`); the ledger
   * posts the difference (`orderPointsCorrection`: points that expired in the
   * order's own lots are not taken again), down (a reversal) or up (more
   * earned). Absent on an order not canceled: nothing to post.
   */
  target?: number
  reason: string
  details?: Record<string, unknown> | null
  /** Where points earned after the release go: their lot's expiry. */
  expires_at?: Date | null
}

/** What an order has done in the ledger so far (`ORDER_FIGURES`). */
export type OrderPointsSummary = { order_id: string } & OrderFigures

export type OrderRestoreInput = {
  order_id: string
  customer_id: string
  canceled: boolean
  /** How many spent points should stand given back (`orderPointsTargets`); all of them on cancel. */
  target?: number
  reason: string
  /** When restored points expire that no lot records (spent before lots were recorded); the rest keep their lots' dates. */
  expires_at: Date | null
  details?: Record<string, unknown> | null
}

export type CouponReservation = {
  customer_id: string
  reward_id: string
  code: string
  currency_code: string | null
  points_spent: number
  expires_at: Date
  /** The reward's terms at purchase: the coupon keeps them whatever the reward becomes. */
  refund_on_expiry: boolean
  idempotency_key: string
  per_customer_limit: number | null
}

export type CouponRecord = InferTypeOf<typeof Coupon>

/** An action that earns points as stored (the generated DTO): what the action routes send. */
export type ActionRecord = InferTypeOf<typeof Action>

/** A catalog reward as stored (the generated DTO): what the reward routes send. */
export type RewardRecord = InferTypeOf<typeof Reward>

/** One batch's figures for `addMemberImportProgress`. */
export type MemberImportDelta = {
  counts: Partial<
    Record<
      | "rows_total"
      | "rows_matched"
      | "rows_unknown"
      | "rows_bad"
      | "rows_already"
      | "rows_imported"
      | "points"
      | "points_already"
      | "members_earlier"
      | "rows_earlier"
      | "points_earlier"
      | "tiers_set"
      | "birthdays_set",
      number
    >
  >
  lists?: Partial<Record<"unknown_emails" | "bad_rows" | "notes" | "earlier_members", unknown[]>>
  bytes_read?: number | null
  /** The file's format, once the header is read. */
  format?: string | null
}

/** A line of an order as earning read it (amounts as decimal strings). */
export type OrderFactLine = {
  id: string
  product_id: string | null
  subtotal: string
  discount_subtotal: string
  is_giftcard: boolean
}

/** What earning read of one order when placed (`loyalty_order_fact`); amounts as decimal strings. */
export type OrderFactInput = {
  order_id: string
  customer_id: string
  currency_code: string
  placed_at: Date | string
  sales_channel_id: string | null
  total: string
  items_net: string
  points_credit: string
  lines: OrderFactLine[]
  source: OrderFactSource
}
