import { createHmac, timingSafeEqual } from "crypto"
import { DateTime } from "luxon"
import { IdempotencyKeys } from "../shared/idempotency-keys"
import type { LimitPeriod } from "../shared/vocabulary"

/**
 * Member care: the rules of actions that earn (birthday, anniversary, review,
 * custom actions), expiry reminders and notifications, as pure functions.
 */

/** The `care` key of the plugin options. */
export type CarePluginOptions = {
  /** IANA time zone whose calendar days birthdays, anniversaries and action periods follow (default "UTC"). */
  timeZone?: string
  /** A birthday earns only when it was set at least this many days before (default 30). */
  birthdayMinDays?: number
  /** Days before a lot expires that `loyalty.points.expiring` announces it (default 14; 0 = off). */
  expiryReminderDays?: number
  /** Days before a member's tier review that `loyalty.tier.expiring` warns of a drop (default 30; 0 = off). */
  tierReminderDays?: number
  /** Shared secret a review tool signs review reports with (`POST /store/loyalty/actions/review`). */
  reviewSecret?: string
  /** Notifications through the store's Notification Module; see `NotificationOptions`. */
  notifications?: NotificationOptions
}

export type NotificationOptions = {
  /** Off: the plugin sends nothing (default on when the store has a provider for `channel`). */
  enabled?: boolean
  /** The notification channel (default "email"). */
  channel?: string
  /** Template id per kind; a kind without one uses `loyalty-<kind>` (e.g. `loyalty-points-earned`). */
  templates?: Partial<Record<NotificationKind, string>>
  /** Channel per kind (e.g. `{ "points-expiring": "sms" }`); a kind without one uses `channel`. */
  channels?: Partial<Record<NotificationKind, string>>
}

/**
 * What staff saved for one kind in Settings → Loyalty → Actions and
 * notifications; null template or channel = the plugin options' value.
 */
export type NotificationSettingValues = {
  kind: string
  enabled: boolean
  template: string | null
  channel: string | null
}

/** How one kind of message is sent. */
export type NotificationKindRules = {
  enabled: boolean
  channel: string
  template: string
  /** Whether staff changed it in the admin (else it follows the options). */
  customized: boolean
}

export type CareRules = {
  time_zone: string
  birthday_min_days: number
  expiry_reminder_days: number
  tier_reminder_days: number
  review_secret: string | null
  notifications: {
    /** The options' switch for all messages (`notifications.enabled`). */
    enabled: boolean
    /** The options' default channel. */
    channel: string
    kinds: Record<NotificationKind, NotificationKindRules>
  }
}

/** The message kinds the plugin sends, and the event each one answers. */
export const NOTIFICATION_EVENTS = {
  "points-earned": "loyalty.points.earned",
  "points-released": "loyalty.points.released",
  "points-expiring": "loyalty.points.expiring",
  "points-reversed": "loyalty.points.reversed",
  "tier-changed": "loyalty.tier.changed",
  "tier-expiring": "loyalty.tier.expiring",
  "referral-rewarded": "loyalty.referral.rewarded",
  "coupon-issued": "loyalty.coupon.issued",
  "action-completed": "loyalty.action.completed",
  /** `loyalty.action.completed` for the `birthday` action: a greeting rather than a receipt. */
  "birthday-bonus": "loyalty.action.completed",
} as const

export type NotificationKind = keyof typeof NOTIFICATION_EVENTS

export const NOTIFICATION_KINDS = Object.keys(NOTIFICATION_EVENTS) as NotificationKind[]

/**
 * Member care's rules: the `care` options, and per message kind what staff
 * saved in the admin (`saved`), which wins over the options' template and
 * channel. A kind is sent only when messages are on in the options and the
 * kind is not switched off.
 */
export function careRules(options: CarePluginOptions = {}, saved: NotificationSettingValues[] = []): CareRules {
  const notifications = options.notifications ?? {}
  const enabled = notifications.enabled ?? true
  const channel = notifications.channel ?? "email"
  const savedByKind = new Map(saved.map((row) => [row.kind, row]))
  return {
    time_zone: options.timeZone ?? "UTC",
    birthday_min_days: options.birthdayMinDays ?? 30,
    expiry_reminder_days: options.expiryReminderDays ?? 14,
    tier_reminder_days: options.tierReminderDays ?? 30,
    review_secret: options.reviewSecret ?? null,
    notifications: {
      enabled,
      channel,
      kinds: Object.fromEntries(
        NOTIFICATION_KINDS.map((kind): [NotificationKind, NotificationKindRules] => {
          const row = savedByKind.get(kind)
          return [
            kind,
            {
              enabled: enabled && (row?.enabled ?? true),
              channel: row?.channel ?? notifications.channels?.[kind] ?? channel,
              template: row?.template ?? notifications.templates?.[kind] ?? `loyalty-${kind}`,
              customized: !!row,
            },
          ]
        })
      ) as Record<NotificationKind, NotificationKindRules>,
    },
  }
}

/** A day of the year as a member's birthday: month 1–12, day 1–31. */
export type MonthDay = { month: number; day: number }

/** Whether `month`/`day` is a day some year has (29 February included). */
export function isValidMonthDay({ month, day }: MonthDay): boolean {
  return Number.isInteger(month) && Number.isInteger(day) && DateTime.utc(2024, month, day).isValid
}

/** The local calendar day of `at` in `timeZone`. */
export function localDay(at: Date, timeZone: string): DateTime {
  return DateTime.fromJSDate(at).setZone(timeZone).startOf("day")
}

/**
 * The birthdays (and anniversaries) celebrated on `at`'s local day: that day,
 * and in a year without 29 February, members born on the 29th celebrate on
 * the 28th.
 */
export function celebratedOn(at: Date, timeZone: string): MonthDay[] {
  const day = localDay(at, timeZone)
  const days = [{ month: day.month, day: day.day }]
  if (day.month === 2 && day.day === 28 && !day.isInLeapYear) days.push({ month: 2, day: 29 })
  return days
}

/**
 * How many local days back the daily pass pays member days it has not paid:
 * a run missed (the server down at the job's hour, a failed pass) or a local
 * day the job's server-time schedule skipped when the clocks changed. The
 * per-year key makes paying a day again harmless.
 */
export const MEMBER_DAY_CATCH_UP_DAYS = 7

/**
 * The local days whose birthdays and anniversaries the daily pass at `at`
 * pays, oldest first: today and the `MEMBER_DAY_CATCH_UP_DAYS - 1` before
 * it, but none before the action existed (`since`): a store that switches
 * birthdays on pays from that day, not the week before.
 */
export function memberDaysDue(at: Date, timeZone: string, since: Date | null): DateTime[] {
  const today = localDay(at, timeZone)
  let day = today.minus({ days: MEMBER_DAY_CATCH_UP_DAYS - 1 })
  if (since) {
    const created = localDay(since, timeZone)
    if (created > day) day = created
  }
  const days: DateTime[] = []
  for (; day <= today; day = day.plus({ days: 1 })) days.push(day)
  return days
}

/**
 * How many days back the daily pass looks for return windows that ended
 * without a first-order bonus: one whose order earned 0 points (nothing is
 * pending, so nothing is released and no `loyalty.points.released` is ever
 * sent), or whose release event was lost. A week, as member days: a run or
 * several missed still pay; paying again is harmless (once per member).
 */
export const FIRST_ORDER_CATCH_UP_DAYS = 7

/**
 * An order whose return window ended at `release_at` (its pending entry's),
 * its customer, the points it earned (its pending entries', before any
 * release or reversal) and whether its points were released.
 */
export type EndedReturnWindow = { customer_id: string; order_id: string; release_at: Date; earned: number; released: boolean }

/**
 * One of a customer's orders as the first-order rule reads it: its status,
 * when it was placed, and how many units it holds and how many of them came
 * back (returns received, damaged ones included) in its current version.
 */
export type OrderForFirstOrder = {
  order_id: string
  status: string
  created_at: Date
  quantity: number
  returned_quantity: number
}

/** A first-order bonus to pay: the order, and when its return window ended (the bonus is dated then). */
export type FirstOrderBonusDue = { customer_id: string; order_id: string; released_at: Date }

/**
 * Whether the customer kept the order: it is neither canceled nor a draft,
 * and not all of it came back (an order whose every unit was returned and
 * received, or edited away, left the customer nothing).
 */
export function isKeptOrder(order: OrderForFirstOrder): boolean {
  if (order.status === "canceled" || order.status === "draft") return false
  return Number(order.returned_quantity) < Number(order.quantity)
}

/**
 * The customer's first kept order (`isKeptOrder`), by when it was placed
 * (then id); null when none of `orders` is kept.
 */
export function firstKeptOrder(orders: OrderForFirstOrder[]): OrderForFirstOrder | null {
  const kept = orders.filter(isKeptOrder)
  kept.sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime() || (a.order_id < b.order_id ? -1 : a.order_id > b.order_id ? 1 : 0))
  return kept[0] ?? null
}

/**
 * The one rule of the `first_order` action, for the release and the daily
 * pass alike: `order` pays the bonus when it is the customer's first kept
 * order among `orders` (all of theirs placed up to it: a canceled or fully
 * returned earlier one does not count, a kept one does), it was placed once
 * the action existed (`action_created_at`: the action rewards first orders
 * from its creation on, not before, so a member whose first kept order
 * predates it is paid for neither that order nor a later one), and its
 * return window is over (`settled`: its points were released, or it earned
 * none and has nothing to release; see `isSettledWindow`). Once per member
 * is the ledger's scope, not this rule's.
 */
export function isFirstOrderBonusDue(
  order: { order_id: string; settled: boolean },
  orders: OrderForFirstOrder[],
  action_created_at: Date
): boolean {
  if (!order.settled) return false
  const first = firstKeptOrder(orders)
  return !!first && first.order_id === order.order_id && new Date(first.created_at) >= new Date(action_created_at)
}

/**
 * Whether an ended return window settled its order for the first-order
 * rule: its points were released (the release's event may have been lost),
 * or it earned 0 points (nothing is pending, so no release ever comes). An
 * order that earned points and was not released (all taken back before its
 * window ended, or its release still to run) is left to its release.
 */
export function isSettledWindow(row: Pick<EndedReturnWindow, "released" | "earned">): boolean {
  return row.released || row.earned === 0
}

/**
 * Where the daily pass at `now` starts reading ended return windows:
 * `FIRST_ORDER_CATCH_UP_DAYS` back, but not before the `first_order` action
 * existed (an order placed before it ended its window before it too, or is
 * not paid anyway).
 */
export function firstOrderCatchUpSince(now: Date, actionCreatedAt: Date): Date {
  const weekAgo = new Date(now.getTime() - FIRST_ORDER_CATCH_UP_DAYS * 24 * 60 * 60 * 1000)
  return actionCreatedAt > weekAgo ? actionCreatedAt : weekAgo
}

/**
 * Which of these ended return windows pay a first-order bonus, as the
 * release would have (`isFirstOrderBonusDue`, with each customer's orders in
 * `orders`: a customer missing there has none): the release's event may have
 * been lost, or the order earned 0 points and nothing is ever released. Not
 * for a customer who has the bonus already (`paid`). One per customer, dated
 * at the earliest end read for the order (an order's correction entries end
 * with it).
 */
export function firstOrderBonusesDue(
  ended: EndedReturnWindow[],
  facts: { orders: Record<string, OrderForFirstOrder[]>; paid: Set<string>; action_created_at: Date }
): FirstOrderBonusDue[] {
  const due = new Map<string, FirstOrderBonusDue>()
  for (const row of ended) {
    if (facts.paid.has(row.customer_id)) continue
    const settled = isSettledWindow(row)
    if (!isFirstOrderBonusDue({ order_id: row.order_id, settled }, facts.orders[row.customer_id] ?? [], facts.action_created_at)) continue
    const seen = due.get(row.customer_id)
    const at = new Date(row.release_at)
    if (!seen || at < seen.released_at) due.set(row.customer_id, { customer_id: row.customer_id, order_id: row.order_id, released_at: at })
  }
  return [...due.values()]
}

/** The local year of `at`: the birthday bonus is paid once per member and year. */
export function localYear(at: Date, timeZone: string): number {
  return localDay(at, timeZone).year
}

export type { LimitPeriod }

/**
 * The start of the calendar period `at` falls in, in `timeZone` (weeks start
 * on Monday); null for `lifetime`. An action's limit counts completions since.
 */
export function periodStart(period: LimitPeriod, at: Date, timeZone: string): Date | null {
  if (period === "lifetime") return null
  return DateTime.fromJSDate(at).setZone(timeZone).startOf(period).toJSDate()
}

/** The signature a review tool sends: hex HMAC-SHA256 of `<customer_id>.<review_id>` with the shared secret. */
export function reviewSignature(secret: string, customerId: string, reviewId: string): string {
  return createHmac("sha256", secret).update(`${customerId}.${reviewId}`).digest("hex")
}

/** Whether `signature` is the review's signature (compared in constant time). */
export function isValidReviewSignature(secret: string, customerId: string, reviewId: string, signature: string): boolean {
  const expected = Buffer.from(reviewSignature(secret, customerId, reviewId), "hex")
  const given = Buffer.from(/^[0-9a-f]*$/i.test(signature) ? signature : "", "hex")
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** What one loyalty event tells one member, before it goes to the Notification Module. */
export type LoyaltyMessage = {
  kind: NotificationKind
  customer_id: string
  /** Unique per message: a redelivered event sends nothing new. */
  idempotency_key: string
  /** What the template renders. */
  data: Record<string, unknown>
}

type EventPayload = Record<string, unknown>

/**
 * The messages a loyalty event gives members: none when it tells them
 * nothing (an event of another kind, zero points); one per side of a
 * referral reward. The template gets the event's own data plus `kind` (and,
 * for a referral, the side's `points`).
 */
export function messagesFor(eventName: string, payload: EventPayload): LoyaltyMessage[] {
  const found = NOTIFICATION_KINDS.find((k) => NOTIFICATION_EVENTS[k] === eventName)
  if (!found) return []
  const kind: NotificationKind = found === "action-completed" && payload.action_code === "birthday" ? "birthday-bonus" : found
  const id = String(payload.id ?? payload.lot_id ?? "")
  if (!id) return []
  const message = (customerId: unknown, data: EventPayload, side?: string): LoyaltyMessage[] =>
    typeof customerId === "string" && customerId && !("points" in data && Number(data.points) === 0)
      ? [{ kind, customer_id: customerId, idempotency_key: IdempotencyKeys.notification(kind, id, side), data: { ...data, kind } }]
      : []
  if (kind === "referral-rewarded") {
    return [
      ...message(payload.referrer_id, { ...payload, side: "referrer", points: payload.referrer_points }, "referrer"),
      ...message(payload.referee_id, { ...payload, side: "referee", points: payload.referee_points }, "referee"),
    ]
  }
  return message(payload.customer_id, payload)
}
