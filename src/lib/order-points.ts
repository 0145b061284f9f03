import { addDays } from "./dates"
import { computeEarning, EarnableCreditLine, EarnableItem, EarningBreakdown } from "./earning"
import { earnRateFor, ProgramRules } from "./program"
import { earnMultiplier } from "./tiers"

/** What the earn and reversal rules need to know about an order. */
export type OrderForPoints = {
  id: string
  display_id: number | null
  currency_code: string
  status: string
  /** A Date, or its ISO string once the order has passed between workflow steps. */
  created_at: Date | string
  customer_id: string | null
  /** Only registered customers (members) earn; checkout makes guests customers too. */
  is_member: boolean
  total: number
  items: EarnableItem[]
  credit_lines: EarnableCreditLine[]
  captured: number
  refunded: number
  /** The cart the order was placed from, whose redemption entries belong to the order. */
  cart_id: string | null
  /** Share (0–1) of the order's item value that has been returned and received. */
  returned_share: number
}

export type OrderEarning = {
  customer_id: string
  order_id: string
  points: number
  release_at: Date
  reason: string
  program_version: number
  currency_code: string
  details: EarningBreakdown & { order_display_id: number | null; tier_id?: string; tier_name?: string }
}

/** The customer's tier when the order was placed, as earning needs it. */
export type EarningTier = { id: string; name: string; earn_multiplier: number }

export const orderLabel = (order: Pick<OrderForPoints, "id" | "display_id">) =>
  order.display_id ? `Order #${order.display_id}` : `Order ${order.id}`

/**
 * What an order earns under the rules, or null when it earns nothing because
 * it is not a member's. A currency without an earn rate still records a
 * 0-point entry whose reason says so, so the shopper sees why. The
 * customer's tier multiplies the earning (`earnMultiplier`), once, before
 * the floor.
 */
export function orderEarning(
  order: OrderForPoints | null,
  rules: ProgramRules,
  tier: EarningTier | null = null
): OrderEarning | null {
  if (!order || !order.customer_id || !order.is_member || order.status === "draft") {
    return null
  }
  const rate = earnRateFor(rules, order.currency_code)
  const breakdown = computeEarning({
    items: order.items,
    total: order.total,
    credit_lines: order.credit_lines,
    rate,
    multiplier: earnMultiplier(tier),
  })
  const tierPart = tier && breakdown.multiplier !== 1 ? ` × ${breakdown.multiplier} (${tier.name})` : ""
  const reason =
    rate === null
      ? `${orderLabel(order)}: ${order.currency_code.toUpperCase()} does not earn points`
      : `${orderLabel(order)}: ${breakdown.eligible_amount} ${order.currency_code.toUpperCase()} × ${rate}${tierPart}`
  return {
    customer_id: order.customer_id,
    order_id: order.id,
    points: breakdown.points,
    release_at: addDays(order.created_at, rules.pending_days),
    reason,
    program_version: rules.version,
    currency_code: order.currency_code,
    details: {
      ...breakdown,
      order_display_id: order.display_id,
      ...(tier ? { tier_id: tier.id, tier_name: tier.name } : {}),
    },
  }
}

/**
 * Points spent on an order that should be given back: all of them when it is
 * canceled, otherwise the returned items' share of the order's item value
 * (rounded down). Like reversals it is a level, not a delta.
 */
export function redemptionRestoreTarget(order: Pick<OrderForPoints, "status" | "returned_share">, redeemed: number) {
  if (redeemed <= 0) return 0
  if (order.status === "canceled") return redeemed
  return Math.min(redeemed, Math.floor(redeemed * Math.min(Math.max(order.returned_share, 0), 1) + 1e-9))
}
