import { BigNumberInput } from "@medusajs/framework/types"
import { MathBN } from "@medusajs/framework/utils"
import { Limits } from "../shared/vocabulary"

/** The one reference every cart/order credit line paid with points carries. */
export const POINTS_CREDIT_LINE_REFERENCE = "loyalty-points"
/**
 * The reference of the (negative) order credit lines that record points given
 * back after a return: they lower the cash Medusa suggests refunding.
 */
export const POINTS_RESTORED_CREDIT_LINE_REFERENCE = "loyalty-points-restored"

/**
 * The `query.graph` fields an order or a cart needs for its earning: the
 * totals and each line's `EarnableItem` figures. Readers add their own.
 */
export const EARNING_FIELDS = [
  "total",
  "shipping_total",
  "items.id",
  "items.subtotal",
  "items.discount_subtotal",
  "items.is_giftcard",
]

export type EarnableItem = {
  /** Item total before tax, before discounts (Medusa's `subtotal`). */
  subtotal: BigNumberInput
  /** Discounts on the item before tax (Medusa's `discount_subtotal`). */
  discount_subtotal?: BigNumberInput | null
  /** Gift cards are money, not merchandise: they earn nothing. */
  is_giftcard?: boolean | null
  /** The line's id (per-line rules and campaign targeting record it). */
  id?: string
  /** What the line earns relative to the base rate (per-product earning rules); 1 when absent, 0 = excluded. */
  factor?: number
  product_id?: string | null
  collection_id?: string | null
  category_ids?: string[] | null
}

export type EarnableCreditLine = { amount: BigNumberInput; reference?: string | null }

export type EarningInput = {
  items: EarnableItem[]
  /** What the shopper pays after every credit line (Medusa's `total`). */
  total: BigNumberInput
  credit_lines?: EarnableCreditLine[]
  /** Points per one major unit of the currency; null earns nothing. */
  rate: number | null
  /** Tier multiplier × campaign multipliers; 1 when none apply. */
  multiplier?: number
}

export type EarningBreakdown = {
  /** Item totals after discounts, excluding tax, shipping and gift cards. */
  items_net: number
  /** Value of the points applied to this order. */
  points_credit: number
  total_before_points: number
  total_after_points: number
  /** items_net scaled down by the share paid with points. */
  eligible_amount: number
  /** eligible_amount with each line weighted by its earning-rule factor: what the rate applies to. */
  earning_amount: number
  /** The share of the order paid in cash (total after points / total before), 0–1. */
  cash_share: number
  rate: number | null
  multiplier: number
  points: number
  /** What the rules gave when it was more than one order earns (`Limits.order_points`); absent otherwise. */
  uncapped_points?: number
}

/**
 * An order's points within `Limits.order_points`, with what the rules gave
 * when that was more: the entry keeps it (and its reason says so), so the
 * cap is never silent. The cap keeps every order's points far inside what
 * the ledger's 32-bit columns hold, whatever the order's amount.
 */
export function capOrderPoints(points: number): { points: number; uncapped_points?: number } {
  return points > Limits.order_points ? { points: Limits.order_points, uncapped_points: points } : { points }
}

/** A breakdown with its points set: `uncapped_points` only when the cap took some (`capOrderPoints`). */
export function withPoints(breakdown: EarningBreakdown, capped: { points: number; uncapped_points?: number }): EarningBreakdown {
  const { uncapped_points: _previous, ...rest } = breakdown
  return { ...rest, ...capped }
}


/** Sum of the credit lines that paid with points (other credit lines are not ours). */
export function pointsCredit(creditLines: EarnableCreditLine[] = []): number {
  return creditLines
    .filter((line) => line.reference === POINTS_CREDIT_LINE_REFERENCE)
    .reduce((sum, line) => MathBN.add(sum, line.amount), MathBN.convert(0))
    .toNumber()
}

/**
 * Points an order (or a cart, for the preview) earns:
 * `eligible = items_net_after_discounts × (total_after_points / total_before_points)`,
 * then `floor(eligible × rate × multiplier)`, each line weighted by its
 * earning-rule factor (`earning_amount`), at most `Limits.order_points`
 * (`capOrderPoints`). Tax and shipping never earn, and the part of the order
 * paid with points earns nothing. The cart preview and the earn workflow both
 * call this, so the promise equals the award.
 */
export function computeEarning(input: EarningInput): EarningBreakdown {
  const multiplier = input.multiplier ?? 1
  const earnable = input.items.filter((item) => !item.is_giftcard)
  const netOf = (item: EarnableItem) => MathBN.sub(item.subtotal, item.discount_subtotal ?? 0)
  const itemsNet = earnable.reduce((sum, item) => MathBN.add(sum, netOf(item)), MathBN.convert(0))
  const weightedNet = earnable.reduce(
    (sum, item) => MathBN.add(sum, MathBN.mult(netOf(item), item.factor ?? 1)),
    MathBN.convert(0)
  )
  const credit = pointsCredit(input.credit_lines)
  const totalAfter = MathBN.convert(input.total)
  const totalBefore = MathBN.add(totalAfter, credit)
  const share = totalBefore.lte(0)
    ? MathBN.convert(0)
    : MathBN.div(MathBN.max(totalAfter, 0), totalBefore)
  const cashShare = MathBN.min(share, 1)
  const eligible = MathBN.max(MathBN.mult(itemsNet, cashShare), 0)
  const earningAmount = MathBN.max(MathBN.mult(weightedNet, cashShare), 0)
  const points =
    input.rate === null
      ? 0
      : Math.floor(MathBN.mult(MathBN.mult(earningAmount, input.rate), multiplier).toNumber() + 1e-9)

  return {
    items_net: itemsNet.toNumber(),
    points_credit: credit,
    total_before_points: totalBefore.toNumber(),
    total_after_points: totalAfter.toNumber(),
    eligible_amount: Number(eligible.toFixed(4)),
    earning_amount: Number(earningAmount.toFixed(4)),
    cash_share: cashShare.toNumber(),
    rate: input.rate,
    multiplier,
    ...capOrderPoints(Math.max(points, 0)),
  }
}
