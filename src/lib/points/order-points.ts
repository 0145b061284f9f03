import { BigNumberInput } from "@medusajs/framework/types"
import { MathBN } from "@medusajs/framework/utils"
import { addDays } from "../shared/dates"
import {
  computeEarning,
  EarnableCreditLine,
  EarnableItem,
  EarningBreakdown,
  POINTS_CREDIT_LINE_REFERENCE,
  POINTS_RESTORED_CREDIT_LINE_REFERENCE,
} from "./earning"
import { earnRateFor, ProgramRules } from "./program"
import { earnMultiplier } from "../tiers/rules"

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
  /** The cart the order was placed from, whose redemption entries belong to the order. */
  cart_id: string | null
  /** The order's money as it stands now (after returns, edits, exchanges, claims, refunds); set by the loader. */
  money?: OrderMoney
}

/**
 * The order as it stands now, in the order's currency, from Medusa's own
 * totals. Items being returned (requested, received or dismissed) no longer
 * count: Medusa already owes the shopper their price.
 */
export type OrderMoney = {
  /** Items kept, after discounts, with tax (gift cards excluded). */
  items_total: number
  /** Items kept, after discounts, before tax (gift cards excluded): what earns. */
  items_net: number
  /** Everything the order is worth before any credit line: items (gift cards too) and shipping, with tax. */
  value: number
  /** Value of the points the shopper paid with (our checkout credit lines). */
  points_credit: number
  /** Value of the points already given back through our restore credit lines. */
  points_credit_restored: number
  /**
   * Other positive credit lines: money refunded beyond what the order owed
   * (Medusa books a goodwill refund this way) or waived by staff.
   */
  other_credit: number
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

export type ItemNow = {
  quantity?: BigNumberInput | null
  total?: BigNumberInput | null
  subtotal?: BigNumberInput | null
  discount_subtotal?: BigNumberInput | null
  is_giftcard?: boolean | null
  detail?: {
    return_requested_quantity?: BigNumberInput | null
    return_received_quantity?: BigNumberInput | null
    return_dismissed_quantity?: BigNumberInput | null
  } | null
} | null

export type CreditLineNow = {
  amount?: BigNumberInput | null
  reference?: string | null
  metadata?: Record<string, unknown> | null
} | null

/**
 * The order's money as it stands now. Medusa's item totals already leave out
 * received and dismissed returns; items whose return is only requested are
 * left out here too, because Medusa already owes the shopper their price
 * (an exchange or claim settles its difference when it is requested).
 */
export function orderMoney(items: ItemNow[], shippingTotal: BigNumberInput, creditLines: CreditLineNow[]): OrderMoney {
  let itemsTotal = MathBN.convert(0)
  let itemsNet = MathBN.convert(0)
  let allItems = MathBN.convert(0)
  for (const item of items) {
    if (!item) continue
    const quantity = MathBN.convert(item.quantity ?? 0)
    const detail = item.detail ?? {}
    // Medusa's totals count quantity − received − dismissed.
    const counted = MathBN.sub(
      quantity,
      MathBN.add(detail.return_received_quantity ?? 0, detail.return_dismissed_quantity ?? 0)
    )
    if (counted.lte(0)) continue
    const kept = MathBN.max(MathBN.sub(counted, detail.return_requested_quantity ?? 0), 0)
    const share = MathBN.div(kept, counted)
    const total = MathBN.mult(item.total ?? 0, share)
    allItems = MathBN.add(allItems, total)
    if (item.is_giftcard) continue
    itemsTotal = MathBN.add(itemsTotal, total)
    itemsNet = MathBN.add(itemsNet, MathBN.mult(MathBN.sub(item.subtotal ?? 0, item.discount_subtotal ?? 0), share))
  }
  let pointsCredit = MathBN.convert(0)
  let restored = MathBN.convert(0)
  let atCheckout = MathBN.convert(0)
  let later = MathBN.convert(0)
  for (const line of creditLines) {
    if (!line) continue
    const amount = MathBN.convert(line.amount ?? 0)
    if (line.reference === POINTS_CREDIT_LINE_REFERENCE) {
      pointsCredit = MathBN.add(pointsCredit, amount)
    } else if (line.reference === POINTS_RESTORED_CREDIT_LINE_REFERENCE) {
      restored = MathBN.sub(restored, amount)
    } else if (line.metadata?.created_in_version === undefined) {
      // Store credit or gift cards used at checkout: the order was placed with them.
      atCheckout = MathBN.add(atCheckout, amount)
    } else if (amount.gt(0)) {
      // Added by an order change: a refund beyond what was owed, or a waived amount.
      later = MathBN.add(later, amount)
    }
  }
  return {
    items_total: itemsTotal.toNumber(),
    items_net: itemsNet.toNumber(),
    value: MathBN.sub(MathBN.add(allItems, shippingTotal), atCheckout).toNumber(),
    points_credit: pointsCredit.toNumber(),
    points_credit_restored: restored.toNumber(),
    other_credit: later.toNumber(),
  }
}

/** What the order's original earning was computed with (from its earn entry). */
export type OriginalEarning = {
  /** The order's value before points when it was placed. */
  total_before_points: BigNumberInput
  /** Points per currency unit then; null: the currency earned nothing. */
  rate: number | null
  /** Tier × campaign multiplier then. */
  multiplier: number
}

export type OrderPointsTargetsInput = {
  canceled: boolean
  money: OrderMoney
  /** Points the shopper spent on the order, and how many have come back so far. */
  redeemed: number
  restored: number
  /** Null when the order has no earn entry (not a member's, or not awarded yet). */
  earning: OriginalEarning | null
}

export type OrderPointsTargets = {
  /** How many of the spent points stand given back (never fewer than already given back). */
  restored: number
  /** Value of those points in the order's currency. */
  restored_value: number
  /** The points the order earns as it now stands; null when it earns nothing. */
  earned: number | null
  /** The figures behind `earned`, for the entry's details. */
  eligible_amount: number
  points_still_paid: number
}

const floorPoints = (value: BigNumberInput) => Math.floor(Number(MathBN.convert(value).toFixed(6)))

/**
 * One money rule for every change to an order (return, refund, credit line,
 * edit, exchange, claim, cancel), applied to the order as it now stands.
 * Every trigger recomputes these levels and the ledger posts the difference.
 *
 * 1. Points first: when the order is now worth less than when it was placed,
 *    the difference comes back in points first, up to what was paid in
 *    points; Medusa is told (credit line) so the cash it suggests refunding is
 *    only the rest. Points given back are never taken again.
 * 2. The order earns what it would earn had it been placed as it now is:
 *    kept items before tax, times the share of the order still paid in cash
 *    (as at checkout), less any money refunded beyond what the order owed or
 *    waived, which counts against items first. So refunding exactly an item's
 *    price takes back exactly that item's points.
 * 3. Cancel: everything spent comes back and nothing is earned.
 */
export function orderPointsTargets(input: OrderPointsTargetsInput): OrderPointsTargets {
  const { money } = input
  const paidWithPoints = MathBN.convert(money.points_credit)
  const pointValue =
    input.redeemed > 0 && paidWithPoints.gt(0) ? MathBN.div(paidWithPoints, input.redeemed) : MathBN.convert(0)

  let restored = input.restored
  if (input.canceled) {
    restored = Math.max(restored, input.redeemed)
  } else if (pointValue.gt(0) && input.earning) {
    const worthLess = MathBN.max(MathBN.sub(input.earning.total_before_points, money.value), 0)
    const back = MathBN.min(worthLess, paidWithPoints)
    restored = Math.max(restored, Math.min(input.redeemed, floorPoints(MathBN.div(back, pointValue))))
  }
  const restoredValue = MathBN.mult(pointValue, restored)
  const stillPaid = MathBN.max(MathBN.sub(paidWithPoints, restoredValue), 0)

  if (!input.earning) {
    return {
      restored,
      restored_value: restoredValue.toNumber(),
      earned: null,
      eligible_amount: 0,
      points_still_paid: stillPaid.toNumber(),
    }
  }
  const value = MathBN.convert(money.value)
  const itemsTotal = MathBN.convert(money.items_total)
  let eligible = MathBN.convert(0)
  if (!input.canceled && value.gt(0) && itemsTotal.gt(0)) {
    const cashShare = MathBN.min(MathBN.max(MathBN.div(MathBN.sub(value, stillPaid), value), 0), 1)
    const itemsCash = MathBN.max(MathBN.sub(MathBN.mult(itemsTotal, cashShare), money.other_credit), 0)
    eligible = MathBN.div(MathBN.mult(money.items_net, itemsCash), itemsTotal)
  }
  const earned =
    input.earning.rate === null
      ? 0
      : floorPoints(MathBN.mult(MathBN.mult(eligible, input.earning.rate), input.earning.multiplier))
  return {
    restored,
    restored_value: restoredValue.toNumber(),
    earned: Math.max(earned, 0),
    eligible_amount: Number(eligible.toFixed(4)),
    points_still_paid: stillPaid.toNumber(),
  }
}
