import { BigNumberInput } from "@medusajs/framework/types"
import { MathBN } from "@medusajs/framework/utils"
import { addDays } from "../shared/dates"
import { Limits } from "../shared/vocabulary"
import {
  capOrderPoints,
  EarnableCreditLine,
  EarnableItem,
  EarningBreakdown,
  POINTS_CREDIT_LINE_REFERENCE,
  POINTS_RESTORED_CREDIT_LINE_REFERENCE,
} from "./earning"
import { ProgramRules } from "./program"
import { currencyDecimals } from "./redemption"
import { earnMultiplier } from "../tiers/rules"
import { CampaignInputs, CampaignPart, campaignReason, documentEarning } from "../campaigns/earning"
import { campaignPointsNow, RecordedCampaign } from "../campaigns/rules"

/** What the earn and reversal rules need to know about an order. */
export type OrderForPoints = {
  id: string
  display_id: number | null
  currency_code: string
  status: string
  /** A Date, or its ISO string once the order has passed between workflow steps. */
  created_at: Date | string
  customer_id: string | null
  /** The channel the order was placed in (campaigns may target channels). */
  sales_channel_id?: string | null
  /** Only registered customers (members) earn; checkout makes guests customers too. */
  is_member: boolean
  total: number
  items: EarnableItem[]
  credit_lines: EarnableCreditLine[]
  /** The cart the order was placed from, whose redemption entries belong to the order; null when no points paid for it. */
  cart_id: string | null
  /** The order's money as it stands now (after returns, edits, exchanges, claims, refunds); set by the loader. */
  money?: OrderMoney
}

/**
 * The order as it stands now, in the order's currency, from Medusa's own
 * totals. Items being returned (requested, received or dismissed) no longer
 * count: Medusa's refund bookkeeping already owes the shopper their price
 * (see `orderMoney`).
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
  /**
   * Cash refunded so far (the order's negative transactions: every refund,
   * whatever the route). Absent reads as 0.
   */
  refunded?: number
  /** Each kept line's net (before tax, after discounts; gift cards excluded), by line id. */
  lines?: Record<string, number>
}

export type OrderEarning = {
  customer_id: string
  order_id: string
  points: number
  release_at: Date
  reason: string
  program_version: number
  currency_code: string
  details: EarningBreakdown & {
    order_display_id: number | null
    tier_id?: string
    tier_name?: string
    /** Points from the base rate and the tier, when campaigns added some. */
    base_points?: number
    /** Line id → earning-rule factor, for lines whose factor is not 1. */
    line_factors?: Record<string, number>
    /** The campaigns that added points, with their terms (version) and the points they gave. */
    campaigns?: CampaignPart[]
  }
}

/** The customer's tier when the order was placed, as earning needs it. */
export type EarningTier = { id: string; name: string; earn_multiplier: number }

export const orderLabel = (order: Pick<OrderForPoints, "id" | "display_id">) =>
  order.display_id ? `Order #${order.display_id}` : `Order ${order.id}`

/**
 * An amount as a receipt writes it in its currency (13.66 EUR, 1235 JPY; 100 EUR
 * without cents), for an entry's reason. A discount spread over the lines can
 * leave a fraction of a cent (13.6556): the points come from that exact amount,
 * which the entry's details keep.
 */
function amountText(amount: number, currencyCode: string): string {
  const rounded = MathBN.convert(amount, currencyDecimals(currencyCode))
  return rounded.isInteger() ? rounded.toFixed(0) : rounded.toFixed(currencyDecimals(currencyCode))
}

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
  tier: EarningTier | null = null,
  campaigns: CampaignInputs | null = null
): OrderEarning | null {
  if (!order || !order.customer_id || !order.is_member || order.status === "draft") {
    return null
  }
  const earned = documentEarning(rules, order, {
    at: order.created_at,
    tier,
    tier_multiplier: earnMultiplier(tier),
    inputs: campaigns,
  })
  const { rate, breakdown } = earned
  const hasFactors = Object.keys(earned.line_factors).length > 0
  const amount = amountText(hasFactors ? breakdown.earning_amount : breakdown.eligible_amount, order.currency_code)
  const tierPart = tier && breakdown.multiplier !== 1 ? ` × ${breakdown.multiplier} (${tier.name})` : ""
  const campaignPart = campaignReason(earned.campaigns)
  const capPart =
    breakdown.uncapped_points === undefined ? "" : `; ${breakdown.uncapped_points} points, capped at ${Limits.order_points} per order`
  const reason =
    rate === null
      ? `${orderLabel(order)}: ${order.currency_code.toUpperCase()} does not earn points`
      : `${orderLabel(order)}: ${amount} ${order.currency_code.toUpperCase()} × ${rate}${tierPart}${campaignPart ? `; ${campaignPart}` : ""}${capPart}`
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
      ...(hasFactors ? { line_factors: earned.line_factors } : {}),
      ...(earned.campaigns.length ? { base_points: earned.base_points, campaigns: earned.campaigns } : {}),
    },
  }
}

/**
 * The earning once the campaigns' budgets and caps answered: each campaign
 * part carries the points reserved for it, and the points and reason follow.
 */
export function withCampaignAwards(
  earning: OrderEarning | null,
  reserved: { campaign_id: string; points: number }[]
): OrderEarning | null {
  const parts = earning?.details.campaigns
  if (!earning || !parts?.length) return earning
  const campaigns = parts.map((part) => ({
    ...part,
    points: reserved.find((r) => r.campaign_id === part.campaign_id)?.points ?? 0,
  }))
  const points = (earning.details.base_points ?? 0) + campaigns.reduce((sum, part) => sum + part.points, 0)
  const before = campaignReason(parts)
  const after = campaignReason(campaigns)
  const reason = before ? earning.reason.replace(`; ${before}`, after ? `; ${after}` : "") : earning.reason
  return { ...earning, points, reason, details: { ...earning.details, points, campaigns } }
}

export type ItemNow = {
  id?: string
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

export type TransactionNow = { amount?: BigNumberInput | null } | null

export type CreditLineNow = {
  amount?: BigNumberInput | null
  reference?: string | null
  metadata?: Record<string, unknown> | null
} | null

/**
 * The order's money as it stands now. Medusa's item totals already leave out
 * received and dismissed returns; items whose return is only requested are
 * left out here too, because Medusa's refund bookkeeping already owes the
 * shopper their price: the order summary that `refundPaymentWorkflow` reads
 * (`query.graph` `summary`) has `pending_difference` at minus the item's
 * price right after a return request (its RETURN_ITEM action is a
 * deduction), so a cash refund of that price then is a refund of what is
 * owed, not a goodwill refund (no credit line is booked for it). Exchanges
 * and claims settle their difference when they are requested too. (The admin
 * order page shows 0 owed until receipt, from the item totals, which count a
 * requested item until it is received.)
 *
 * `transactions` are the order's (`transactions.amount`): the negative ones
 * are the cash refunded, which `orderPointsTargets` needs so that a value
 * refunded in cash is not given back in points too.
 */
export function orderMoney(
  items: ItemNow[],
  shippingTotal: BigNumberInput,
  creditLines: CreditLineNow[],
  transactions: TransactionNow[] = []
): OrderMoney {
  let itemsTotal = MathBN.convert(0)
  let itemsNet = MathBN.convert(0)
  let allItems = MathBN.convert(0)
  const lines: Record<string, number> = {}
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
    const net = MathBN.mult(MathBN.sub(item.subtotal ?? 0, item.discount_subtotal ?? 0), share)
    itemsNet = MathBN.add(itemsNet, net)
    if (item.id) lines[item.id] = net.toNumber()
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
  let refunded = MathBN.convert(0)
  for (const transaction of transactions) {
    const amount = MathBN.convert(transaction?.amount ?? 0)
    if (amount.lt(0)) refunded = MathBN.sub(refunded, amount)
  }
  return {
    items_total: itemsTotal.toNumber(),
    items_net: itemsNet.toNumber(),
    value: MathBN.sub(MathBN.add(allItems, shippingTotal), atCheckout).toNumber(),
    points_credit: pointsCredit.toNumber(),
    points_credit_restored: restored.toNumber(),
    other_credit: later.toNumber(),
    refunded: refunded.toNumber(),
    lines,
  }
}

/** What the order's original earning was computed with (from its earn entry). */
export type OriginalEarning = {
  /** The order's value before points when it was placed. */
  total_before_points: BigNumberInput
  /** Points per currency unit then; null: the currency earned nothing. */
  rate: number | null
  /** The tier multiplier that applied then. */
  multiplier: number
  /** Line id → earning-rule factor then, for lines whose factor was not 1. */
  line_factors?: Record<string, number>
  /** The campaigns' parts then, at their terms then (the version recorded). */
  campaigns?: RecordedCampaign[]
  currency_code?: string
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
 *    only the rest. Points given back are never taken again. A value comes
 *    back once: cash already refunded against it (refunds less what Medusa
 *    booked as beyond what it owed, and less waived credit lines: both are
 *    `other_credit`) is not given back again in points. That happens when
 *    staff refund an item whose return is requested before it is received:
 *    Medusa's refund counts the price as owed (see `orderMoney`), the
 *    recomputation that follows sees the item gone, and without the cap the
 *    points would come back on top of the cash. In the documented order
 *    (receipt, points given back, then the cash rest refunded) the cap never
 *    bites: the restore came first and never goes down.
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
    // Cash refunded of what Medusa owed (not a goodwill refund or a waived amount): already given back.
    const cashBack = MathBN.max(MathBN.sub(money.refunded ?? 0, money.other_credit), 0)
    const back = MathBN.min(MathBN.max(MathBN.sub(worthLess, cashBack), 0), paidWithPoints)
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
      : input.earning.line_factors || input.earning.campaigns?.length
        ? earnedByLines(input, eligible)
        : floorPoints(MathBN.mult(MathBN.mult(eligible, input.earning.rate), input.earning.multiplier))
  return {
    restored,
    restored_value: restoredValue.toNumber(),
    // Capped as the award was (`capOrderPoints`): a recomputation never earns past it.
    earned: capOrderPoints(Math.max(earned, 0)).points,
    eligible_amount: Number(eligible.toFixed(4)),
    points_still_paid: stillPaid.toNumber(),
  }
}

/**
 * What an order earns now when its earning used per-product factors or
 * campaigns: each kept line at its recorded factor, times the share still
 * paid in cash (the same share as `eligible` / items_net), at the recorded
 * rate and tier multiplier; plus each campaign's part at its recorded terms
 * (`campaignPointsNow`).
 */
function earnedByLines(input: OrderPointsTargetsInput, eligible: BigNumberInput): number {
  const earning = input.earning!
  const lines = input.money.lines ?? {}
  const cash = MathBN.convert(input.money.items_net).gt(0) ? MathBN.div(eligible, input.money.items_net) : MathBN.convert(0)
  const lineAmounts: Record<string, BigNumberInput> = {}
  let amount = MathBN.convert(0)
  for (const [id, net] of Object.entries(lines)) {
    const weighted = MathBN.mult(MathBN.mult(net, earning.line_factors?.[id] ?? 1), cash)
    lineAmounts[id] = weighted
    amount = MathBN.add(amount, weighted)
  }
  const base = floorPoints(MathBN.mult(MathBN.mult(amount, earning.rate ?? 0), earning.multiplier))
  const campaigns = (earning.campaigns ?? []).reduce(
    (sum, campaign) =>
      sum +
      campaignPointsNow(
        campaign,
        { canceled: input.canceled, line_amounts: lineAmounts, order_amount: input.money.items_net },
        earning.rate,
        earning.currency_code ?? ""
      ),
    0
  )
  return base + campaigns
}

/**
 * What an order's earning was computed with, from its earn entry (`earn:order:<id>`,
 * its `details` and currency): what a later change to the order is measured
 * against. Null without an entry.
 */
export function originalEarningOf(
  entry: { details: Record<string, unknown> | null; currency_code: string | null } | null | undefined
): OriginalEarning | null {
  const details = entry?.details ?? null
  if (!entry || !details) return null
  return {
    total_before_points: Number(details.total_before_points ?? 0),
    rate: details.rate === null || details.rate === undefined ? null : Number(details.rate),
    multiplier: Number(details.multiplier ?? 1),
    ...(details.line_factors ? { line_factors: details.line_factors as Record<string, number> } : {}),
    ...(Array.isArray(details.campaigns) && details.campaigns.length
      ? { campaigns: details.campaigns as RecordedCampaign[], currency_code: entry.currency_code ?? "" }
      : {}),
  }
}

/**
 * What the order's own lots (those its release and its later earnings
 * created) lost to the expiry job. Absent or 0: nothing of the order expired.
 */
export type OrderExpiryFigures = {
  /** Points that expired unused in the order's own lots. */
  expired?: number
  /** What the order stood at (earned − reversed) when the last of them expired. */
  expired_at_standing?: number
}

/** What the ledger holds for an order, as the recomputation reads it. */
export type OrderLedgerFigures = { earned: number; reversed: number; redeemed: number; restored: number } & OrderExpiryFigures

/**
 * The points to post to bring an order that stands at `earned − reversed`
 * to `target` (negative: taken back, positive: earned), measured on what the
 * member still has of the order or spent, not on what the ledger once gave.
 *
 * Points of the order that expired unused in its own lots are gone already:
 * a reversal must not take them a second time (from other points, or as
 * debt). They were the unused top of what the order stood at when they
 * expired, so they sit in the levels [at_standing − expired, at_standing) of
 * the order's points. The member should keep (held or spent) the order's
 * target less the expired levels under it; they keep now the standing less
 * everything expired. A reversal therefore first counts the expired points
 * it covers and takes back only what was spent; points the order earned
 * after the expiry sit above the expired ones and are taken back in full
 * (nothing given twice). Without expiries this is `target − standing`. The
 * result depends only on the ledger, so a second run posts 0.
 */
export function orderPointsCorrection(ledger: Pick<OrderLedgerFigures, "earned" | "reversed"> & OrderExpiryFigures, target: number): number {
  const standing = ledger.earned - ledger.reversed
  const expired = Math.max(ledger.expired ?? 0, 0)
  if (expired === 0) return target - standing
  const top = ledger.expired_at_standing ?? standing
  const expiredUnderTarget = Math.max(Math.min(target, top) - Math.max(top - expired, 0), 0)
  const keep = target - expiredUnderTarget
  const kept = Math.max(standing - expired, 0)
  return keep - kept
}

/**
 * Whether recomputing an order's points as it now stands
 * (`reverseOrderPointsWorkflow`) would write anything: attach a checkout's
 * points debit to the order, give spent points back, tell Medusa about
 * points given back (a credit line), or post a correction up or down. The
 * release page's check: an order for which this is false releases set-based
 * exactly as its per-order release would (whose recomputation, run first,
 * finds nothing to do); the others go to the per-order release.
 *
 * It follows the recomputation's own rules: no order, or no customer, writes
 * nothing; a points-paid order whose debit is not on it yet (nothing
 * redeemed on the order) is counted as writing (the attach), without reading
 * its cart.
 */
export function recomputationWrites(input: {
  order: Pick<OrderForPoints, "customer_id" | "status" | "credit_lines" | "money"> | null
  ledger: OrderLedgerFigures
  earning: OriginalEarning | null
}): boolean {
  const { order, ledger, earning } = input
  if (!order?.customer_id || !order.money) return false
  if (ledger.redeemed === 0 && order.credit_lines.some((line) => line.reference === POINTS_CREDIT_LINE_REFERENCE)) return true
  const canceled = order.status === "canceled"
  const targets = orderPointsTargets({
    canceled,
    money: order.money,
    redeemed: ledger.redeemed,
    restored: ledger.restored,
    earning,
  })
  // `restoreOrderRedemption`
  if (ledger.redeemed > 0) {
    const target = canceled ? ledger.redeemed : Math.min(ledger.redeemed, targets.restored)
    if (target - ledger.restored > 0) return true
  }
  // `recordRestoredCreditLineStep` (not on cancel)
  if (!canceled && MathBN.sub(targets.restored_value, order.money.points_credit_restored).gt(0)) return true
  // `reverseOrderPoints`
  if (targets.earned !== null) {
    const target = canceled ? 0 : Math.max(targets.earned, 0)
    if (orderPointsCorrection(ledger, target) !== 0) return true
  }
  return false
}
