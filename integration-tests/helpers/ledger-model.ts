import BigNumber from "bignumber.js"
import { addMonths } from "../../src/lib/shared/dates"

/**
 * A small in-memory model of the points rules in the README ("How points
 * work") and docs/points.md ("When an order changes: one rule for every
 * flow"), written from those pages and not from the plugin's code, for the
 * model-based test (`integration-tests/http/ledger-model.spec.ts`). Money is
 * in cents as exact decimals (a coupon spread over three units leaves
 * fractions of a cent, as in Medusa's own totals), points are integers, time
 * is milliseconds. Each function takes the model state and changes it the way
 * the docs say the store does, and answers what a shopper or merchant would
 * see (refused or not, how many points, what Medusa suggests refunding).
 *
 * What it takes from Medusa rather than the plugin's docs, as a merchant
 * sees it in the admin: an order with a fulfillment cannot be canceled; a
 * cancel refunds what was captured; only shipped units can be returned,
 * claimed or exchanged, and an edit can only remove units not shipped; a
 * refund beyond what the order owes is booked as a credit line; the order's
 * `pending_difference` is its total (credit lines deducted) less the cash kept.
 *
 * The test store's rules (medusa-config.ts): 1 point per EUR, a point is worth
 * 0.01 EUR, redemptions from 100 points in steps of 10, at most 50 % of the
 * items (shipping excluded), 14 days pending, lots expire 12 months after
 * they are credited, 50 points for signing up. Prices are tax-exclusive with
 * 19 % VAT (Germany) and 10 EUR shipping.
 */
export const MODEL_RULES = {
  minRedeem: 100,
  step: 10,
  /** max share of the items' value (with tax) that points may pay, in percent */
  maxSharePercent: 50,
  pendingDays: 14,
  expiryMonths: 12,
  signupBonus: 50,
  vatPercent: 19,
  /** net shipping, cents */
  shippingCents: 1000,
  /** 1 point = 1 cent */
  pointValueCents: 1,
} as const

const DAY = 24 * 60 * 60 * 1000

/**
 * A lot; `order`: the order (its `n`) whose release or later earning credited
 * it; `key`: the store's id of the same lot, which the test runner fills in
 * (the store takes older ids first among lots expiring at the same moment, a
 * name no rule can predict: a release job's lots all share one expiry).
 */
export type ModelLot = { points: number; remaining: number; expires_at: number; order?: number; key?: string }

/**
 * Points a debit took from one lot, with its expiry and whose credit they are
 * (the lot's `order`): given back, they refill a lot that is still that
 * order's own (docs/points.md, "Expired points and later reversals").
 */
export type ModelTake = { points: number; expires_at: number; order?: number }

export type ModelOrder = {
  /** index in the sequence, for printing */
  n: number
  created_at: number
  lines: ModelLine[]
  /** items + shipping, with tax, before points, when placed (cents) */
  value_placed: BigNumber
  /** what the shopper paid in money at checkout (cents) */
  cash_paid: BigNumber
  /** the coupon (index in `coupons`) used at checkout, or -1 */
  coupon: number
  canceled: boolean
  captured: BigNumber
  refunded: BigNumber
  /** money refunded beyond what was owed, or waived with credit lines (cents, with tax) */
  goodwill: BigNumber
  /** what Medusa owed and staff recorded as given back outside Medusa (negative credit lines, cents) */
  settled: BigNumber
  /** order changes the test made (a budget of the test's, not a rule) */
  changes: number
  /** the ledger summary the admin sees for this order */
  earned: number
  released: number
  reversed: number
  pending: number
  redeemed: number
  restored: number
  /** points that expired unused in the order's own lots, and what the order stood at (earned − reversed) when the last of them did */
  expired: number
  expired_at_standing: number
  /** the points the checkout took from each lot, with its expiry, in the order taken */
  taken: ModelTake[]
}

/** A coupon bought with points (single use, refunded when it expires unused). */
export type ModelCoupon = {
  points: number
  expires_at: number
  closed: boolean
  used: boolean
  /** its points were given back (expired unused, or the order that used it was canceled): once */
  refunded: boolean
  /** the points the purchase took from each lot, with its expiry, in the order taken */
  taken: ModelTake[]
}

export type LedgerModel = {
  /** the clock the jobs run at (ms) */
  now: number
  balance: number
  pending: number
  debt: number
  lots: ModelLot[]
  orders: ModelOrder[]
  coupons: ModelCoupon[]
}

export function newLedgerModel(now: number): LedgerModel {
  return { now, balance: 0, pending: 0, debt: 0, lots: [], orders: [], coupons: [] }
}

/** The test store's coupon reward: 150 points for 5 EUR off, valid 7 days, points back if it expires unused. */
export const COUPON_REWARD = { points: 150, validDays: 7 }

/** Buy a coupon at `at`: refused when the balance does not cover it; it can be used from then until it expires. */
export function buyCoupon(model: LedgerModel, at: number): "ok" | "refused" {
  if (model.balance < COUPON_REWARD.points) return "refused"
  const taken = consume(model, COUPON_REWARD.points)
  model.coupons.push({ points: COUPON_REWARD.points, expires_at: at + COUPON_REWARD.validDays * DAY, closed: false, used: false, refunded: false, taken })
  return "ok"
}

/**
 * The daily job closes coupons past their date; an unused one gives its
 * points back as a restore does: debt paid off first, the rest to the
 * expiries of the lots the purchase took (a date already past included: the
 * next expiry run takes it), never a fresh lot (docs/points.md, "Coupons").
 */
export function expireCoupons(model: LedgerModel, now: number) {
  for (const coupon of model.coupons) {
    if (!coupon.closed && coupon.expires_at <= now) {
      coupon.closed = true
      if (!coupon.used) refundCoupon(model, coupon)
    }
  }
}

/**
 * A coupon's points given back, once (the store keys the refund by the
 * coupon, whoever asks): debt paid off first, the rest to the expiries of the
 * lots the purchase took, never a fresh lot, each still the credit it was
 * (an order's points stay that order's own).
 */
function refundCoupon(model: LedgerModel, coupon: ModelCoupon) {
  if (coupon.refunded) return
  coupon.refunded = true
  if (giveBack(model, coupon.taken, coupon.points, 0) > 0) throw new Error("model: a coupon gives back points it never took")
}

/** Expiry of points credited at `at` (ms). */
export const expiryOf = (at: number) => addMonths(new Date(at), MODEL_RULES.expiryMonths).getTime()

/** New points pay off debt first; the rest becomes a lot (the order's own, when an order's release or earning credits it). */
export function credit(model: LedgerModel, points: number, expiresAt: number, order?: ModelOrder) {
  const paid = Math.min(model.debt, points)
  model.debt -= paid
  const rest = points - paid
  if (rest > 0) {
    model.balance += rest
    model.lots.push({ points: rest, remaining: rest, expires_at: expiresAt, ...(order ? { order: order.n } : {}) })
  }
}

/**
 * Take points from the balance, first-expiring lots first (the caller checked
 * the balance); what each lot gave. A reversal of `order` takes that order's
 * own lots first (docs/points.md, "Expired points and later reversals").
 */
function consume(model: LedgerModel, points: number, order?: ModelOrder): ModelTake[] {
  let left = points
  const taken: ModelTake[] = []
  const own = (lot: ModelLot) => (order !== undefined && lot.order === order.n ? 0 : 1)
  const tie = (a: ModelLot, b: ModelLot) => (a.key && b.key ? a.key.localeCompare(b.key) : 0)
  for (const lot of [...model.lots].sort((a, b) => own(a) - own(b) || a.expires_at - b.expires_at || tie(a, b))) {
    if (left <= 0) break
    const take = Math.min(lot.remaining, left)
    if (take > 0) taken.push({ points: take, expires_at: lot.expires_at, ...(lot.order !== undefined ? { order: lot.order } : {}) })
    lot.remaining -= take
    left -= take
  }
  if (left > 0) throw new Error(`model: lots hold ${points - left} of ${points}`)
  model.balance -= points
  return taken
}

/**
 * Points spent on an order given back: debt paid off first, the rest as lots
 * with the expiries the checkout took them from, in the order taken, after
 * the points given back before (docs/points.md, "Paying with points").
 */
function creditRestored(model: LedgerModel, order: ModelOrder, points: number) {
  const left = giveBack(model, order.taken, points, order.restored)
  if (left > 0) throw new Error(`model: order ${order.n} gives back ${left} points it never took`)
}

/**
 * Give back `points` of a debit that took `taken`: debt paid off first, the
 * rest as lots with the expiries taken, in the order taken, after the
 * `before` points given back earlier, each refilling its take's credit (an
 * order's own points stay the order's). Returns what no take covered.
 */
function giveBack(model: LedgerModel, taken: ModelTake[], points: number, before: number): number {
  const paid = Math.min(model.debt, points)
  model.debt -= paid
  let skip = before + paid
  let left = points - paid
  model.balance += left
  for (const take of taken) {
    if (left <= 0) break
    const skipped = Math.min(skip, take.points)
    skip -= skipped
    const back = Math.min(left, take.points - skipped)
    if (back <= 0) continue
    model.lots.push({ points: back, remaining: back, expires_at: take.expires_at, ...(take.order !== undefined ? { order: take.order } : {}) })
    left -= back
  }
  return left
}

export function signUp(model: LedgerModel, at: number) {
  credit(model, MODEL_RULES.signupBonus, expiryOf(at))
}

/** An admin adjustment: a credit, or a debit that is refused beyond the balance. */
export function adjust(model: LedgerModel, points: number, at: number): "ok" | "refused" {
  if (points > 0) {
    credit(model, points, expiryOf(at))
    return "ok"
  }
  if (-points > model.balance) return "refused"
  consume(model, -points)
  return "ok"
}

export type Basket = { expensive: number; cheap: number }
export type Variant = keyof Basket
export const PRICES_CENTS: Record<Variant, number> = { expensive: 10000, cheap: 2500 }
/** The coupon reward's amount off, before tax, spread over the items in proportion to their prices. */
export const COUPON_OFF_CENTS = 500

/** Exact decimal money (cents): a coupon spread over three units leaves fractions of a cent. */
const D = BigNumber.clone({ DECIMAL_PLACES: 30 })
type Money = BigNumber
const ZERO: Money = new D(0)
const withVat = (net: BigNumber.Value): Money => new D(net).times(100 + MODEL_RULES.vatPercent).div(100)
/** Whole points from an amount that is whole up to division noise (the plugin floors at 6 decimals). */
const floorPoints = (value: Money) => value.plus(1e-7).integerValue(BigNumber.ROUND_FLOOR).toNumber()
const SHIPPING_GROSS = withVat(MODEL_RULES.shippingCents)

/**
 * One line of an order (one Medusa line item): a variant's units at a price.
 * `gone` units were returned, claimed or exchanged away: from the moment that
 * is asked for, the shopper no longer pays for them.
 */
export type ModelLine = {
  variant: Variant
  /** unit price before tax, after the coupon's share (cents) */
  unitNet: Money
  unitGross: Money
  quantity: number
  fulfilled: number
  gone: number
}

/** The lines of a basket, with a coupon's amount spread over them by price. */
export function basketLines(basket: Basket, coupon = false): ModelLine[] {
  const variants = (["expensive", "cheap"] as const).filter((v) => basket[v] > 0)
  const subtotal = variants.reduce((sum, v) => sum + basket[v] * PRICES_CENTS[v], 0)
  return variants.map((variant) => {
    const lineSubtotal = basket[variant] * PRICES_CENTS[variant]
    const off = coupon ? new D(COUPON_OFF_CENTS).times(lineSubtotal).div(subtotal) : ZERO
    const unitNet = new D(lineSubtotal).minus(off).div(basket[variant])
    return { variant, unitNet, unitGross: withVat(unitNet), quantity: basket[variant], fulfilled: 0, gone: 0 }
  })
}

export function basketTotals(basket: Basket, coupon = false) {
  const lines = basketLines(basket, coupon)
  const itemsNet = lines.reduce((sum, l) => sum.plus(l.unitNet.times(l.quantity)), ZERO)
  const itemsGross = lines.reduce((sum, l) => sum.plus(l.unitGross.times(l.quantity)), ZERO)
  return { itemsNet, itemsGross, totalBefore: itemsGross.plus(SHIPPING_GROSS) }
}

/** The most points a basket can take: half its items' value (rounded half up), the balance, the step. */
export function maxRedeemable(model: LedgerModel, basket: Basket, coupon = false): number {
  const { itemsGross } = basketTotals(basket, coupon)
  const byShare = Math.floor(
    itemsGross.times(MODEL_RULES.maxSharePercent).div(100).integerValue(BigNumber.ROUND_HALF_UP).toNumber() /
      MODEL_RULES.pointValueCents
  )
  const max = Math.floor(Math.min(byShare, model.balance) / MODEL_RULES.step) * MODEL_RULES.step
  return max >= MODEL_RULES.minRedeem ? max : 0
}

/** Can `points` be applied to the basket now? */
export function canApply(model: LedgerModel, basket: Basket, points: number, coupon = false): boolean {
  const max = maxRedeemable(model, basket, coupon)
  return max > 0 && points >= MODEL_RULES.minRedeem && points % MODEL_RULES.step === 0 && points <= max
}

/** The first coupon the member may still use (bought, not used, not closed), or -1. */
export const usableCoupon = (model: Readonly<LedgerModel>) => model.coupons.findIndex((c) => !c.closed && !c.used)

/**
 * A member's order is placed, `points` paid with points (already checked with
 * `canApply`), optionally with a coupon bought with points (`usableCoupon`):
 * the points are debited, the coupon is used, and the order earns on the
 * money part only, pending for the return window.
 */
export function placeOrder(model: LedgerModel, basket: Basket, points: number, at: number, coupon = -1): ModelOrder {
  const lines = basketLines(basket, coupon >= 0)
  const { totalBefore } = basketTotals(basket, coupon >= 0)
  const pointsValue = points * MODEL_RULES.pointValueCents
  const taken = points > 0 ? consume(model, points) : []
  if (coupon >= 0) model.coupons[coupon].used = true
  const order: ModelOrder = {
    n: model.orders.length,
    created_at: at,
    lines,
    value_placed: totalBefore,
    cash_paid: totalBefore.minus(pointsValue),
    coupon,
    canceled: false,
    captured: ZERO,
    refunded: ZERO,
    goodwill: ZERO,
    settled: ZERO,
    changes: 0,
    earned: 0,
    released: 0,
    reversed: 0,
    pending: 0,
    redeemed: points,
    restored: 0,
    expired: 0,
    expired_at_standing: 0,
    taken,
  }
  // eligible = items_net × total_after_points / total_before_points; 1 point per EUR, floored
  const earned = earnTarget(order)
  order.earned = earned
  order.pending = earned
  model.pending += earned
  model.orders.push(order)
  return order
}

/** The order's items still paid for (not gone), before and with tax. */
export function itemsNow(order: ModelOrder) {
  let net = ZERO
  let gross = ZERO
  for (const line of order.lines) {
    const kept = line.quantity - line.gone
    net = net.plus(line.unitNet.times(kept))
    gross = gross.plus(line.unitGross.times(kept))
  }
  return { net, gross }
}

/** What the order is worth now: items kept and shipping, with tax, before points and credit lines. */
export const valueNow = (order: ModelOrder) => itemsNow(order).gross.plus(SHIPPING_GROSS)

/**
 * Rule 2 (docs/points.md, "When an order changes"): the order earns what it
 * would earn had it been placed as it now is: its kept items before tax,
 * times the share of the order still paid in cash; money refunded beyond
 * what was owed or waived with a credit line counts against the items' cash
 * first. Canceled: nothing.
 */
export function earnTarget(order: ModelOrder): number {
  if (order.canceled) return 0
  const value = valueNow(order)
  const { net, gross } = itemsNow(order)
  if (value.lte(0) || gross.lte(0)) return 0
  const stillPaid = new D(order.redeemed - order.restored).times(MODEL_RULES.pointValueCents)
  const cashShare = BigNumber.min(BigNumber.max(value.minus(stillPaid).div(value), 0), 1)
  const itemsCash = BigNumber.max(gross.times(cashShare).minus(order.goodwill), 0)
  return floorPoints(net.times(itemsCash).div(gross).div(100))
}

/**
 * Rule 1: the value the order lost since it was placed comes back in points
 * first, up to what it paid in points, never taken again. Canceled: all.
 */
export function restoreTarget(order: ModelOrder): number {
  if (order.canceled) return order.redeemed
  const lost = BigNumber.max(order.value_placed.minus(valueNow(order)), 0)
  return Math.max(order.restored, Math.min(order.redeemed, floorPoints(lost.div(MODEL_RULES.pointValueCents))))
}

/**
 * What Medusa's order summary says is still to settle (`pending_difference`,
 * cents): what the order now costs (its value less the points still paying
 * for it and the money waived) less the cash kept (captured − refunded).
 * Negative: what staff are invited to refund.
 */
export function pendingDifference(order: ModelOrder): Money {
  const total = valueNow(order)
    .minus(new D(order.redeemed - order.restored).times(MODEL_RULES.pointValueCents))
    .minus(order.goodwill)
    .plus(order.settled)
  return total.minus(order.captured.minus(order.refunded))
}

/**
 * Every change runs both rules and posts the differences (docs/points.md):
 * first the points given back, then one entry bringing what the order earns
 * to its target: up as more pending while nothing of the order was released
 * yet, or as a new lot (paying off debt first) after; down from the order's
 * pending first, then the balance (first-expiring lots first), then debt.
 */
export function reconcile(model: LedgerModel, order: ModelOrder, at: number) {
  const restore = restoreTarget(order) - order.restored
  if (restore > 0) {
    creditRestored(model, order, restore)
    order.restored += restore
  }
  const delta = pointsToTarget(order, earnTarget(order))
  if (delta > 0) {
    order.earned += delta
    if (order.released === 0) {
      order.pending += delta
      model.pending += delta
    } else {
      credit(model, delta, expiryOf(at), order)
    }
  } else if (delta < 0) {
    const reverse = -delta
    const fromPending = Math.min(reverse, order.pending)
    const fromBalance = Math.min(reverse - fromPending, model.balance)
    const toDebt = reverse - fromPending - fromBalance
    order.pending -= fromPending
    model.pending -= fromPending
    if (fromBalance > 0) consume(model, fromBalance, order)
    model.debt += toDebt
    order.reversed += reverse
  }
}

/**
 * How many points bring the order to `target` (docs/points.md, "Expired
 * points and later reversals"): points of the order that expired unused in
 * its own lots are gone and are not taken back a second time. They were the
 * top `expired` of the `expired_at_standing` points the order stood at when
 * they expired; the shopper keeps the target less the expired points under
 * it, and keeps now what the order stands at less all that expired.
 */
function pointsToTarget(order: ModelOrder, target: number): number {
  const standing = order.earned - order.reversed
  if (order.expired === 0) return target - standing
  const bottom = Math.max(order.expired_at_standing - order.expired, 0)
  const expiredUnderTarget = Math.max(Math.min(target, order.expired_at_standing) - bottom, 0)
  return target - expiredUnderTarget - Math.max(standing - order.expired, 0)
}

/**
 * Staff cancel the order (nothing fulfilled yet): Medusa refunds what was
 * captured. A cancel gives back every point spent, and the points of the
 * coupon bought with points that the order used (Medusa leaves its promotion
 * used; docs/points.md, "Coupons"), and keeps nothing earned: the coupon's
 * points come back first, as an expiry refund would bring them (debt first,
 * the dates they had), then the order reconciles (points spent on it back,
 * what it earned taken).
 */
export function cancel(model: LedgerModel, order: ModelOrder, at: number) {
  order.canceled = true
  order.refunded = order.captured
  if (order.coupon >= 0) refundCoupon(model, model.coupons[order.coupon])
  reconcile(model, order, at)
}

/** Medusa refuses to cancel an order with a fulfillment, or one already canceled. */
export const canCancel = (order: ModelOrder) => !order.canceled && order.lines.every((l) => l.fulfilled === 0)

/** Units of a line that can be sent back (fulfilling the rest first) or removed by an edit. */
export const keptUnits = (line: ModelLine) => line.quantity - line.gone
export const unfulfilledUnits = (line: ModelLine) => line.quantity - line.fulfilled

/** Fulfil what a return of `units` of the line needs: the units kept but not shipped yet. Answers how many. */
export function fulfilFor(line: ModelLine, units: number): number {
  const shippedKept = line.fulfilled - line.gone
  const more = Math.max(0, units - shippedKept)
  line.fulfilled += more
  return more
}

/** Units of lines sent back (a return received, a claim or an exchange's inbound side). */
export function sendBack(model: LedgerModel, order: ModelOrder, units: { line: number; quantity: number }[], at: number) {
  for (const { line, quantity } of units) order.lines[line].gone += quantity
  reconcile(model, order, at)
}

/**
 * An order edit: a unit of a variant added at its price, or a unit of an
 * unshipped line removed. Medusa keeps a coupon's adjustment on a line as an
 * amount: the units left carry all of it (2 × 25 EUR with 5 EUR off, one
 * removed: 20 EUR), until the line has no unit left.
 */
export function editOrder(model: LedgerModel, order: ModelOrder, change: { add: Variant } | { remove: number }, at: number) {
  if ("add" in change) order.lines.push(newLine(change.add))
  else {
    const line = order.lines[change.remove]
    const price = new D(PRICES_CENTS[line.variant])
    const off = price.minus(line.unitNet).times(line.quantity)
    line.quantity -= 1
    if (line.quantity > 0) {
      line.unitNet = price.times(line.quantity).minus(off).div(line.quantity)
      line.unitGross = withVat(line.unitNet)
    }
  }
  reconcile(model, order, at)
}

/** An exchange: a unit of a line comes back, a unit of `variant` goes out; one change. */
export function exchange(model: LedgerModel, order: ModelOrder, line: number, variant: Variant, at: number) {
  order.lines[line].gone += 1
  order.lines.push(newLine(variant))
  reconcile(model, order, at)
}

const newLine = (variant: Variant): ModelLine => ({
  variant,
  unitNet: new D(PRICES_CENTS[variant]),
  unitGross: withVat(PRICES_CENTS[variant]),
  quantity: 1,
  fulfilled: 0,
  gone: 0,
})

/** Staff capture the payment in full (what the shopper paid in cash at checkout). */
export function capture(order: ModelOrder) {
  order.captured = order.cash_paid
}

/**
 * Staff refund `amount` cents: what Medusa owed the shopper is settled; the
 * rest is a goodwill refund (Medusa books it as a credit line), which the
 * order's earning counts.
 */
export function refund(model: LedgerModel, order: ModelOrder, amount: BigNumber.Value, at: number) {
  const owed = BigNumber.max(pendingDifference(order).negated(), 0)
  order.goodwill = order.goodwill.plus(BigNumber.max(new D(amount).minus(owed), 0))
  order.refunded = order.refunded.plus(amount)
  reconcile(model, order, at)
}

/**
 * Staff add a credit line of `amount` cents (`POST /admin/orders/:id/credit-lines`):
 * positive, they waive what the shopper owes, and the order's earning counts
 * it as money not paid; negative, they record that what Medusa owed went back
 * outside Medusa (store credit, say): the order's items and what was paid
 * for them do not change, so neither do its points.
 */
export function creditLine(model: LedgerModel, order: ModelOrder, amount: BigNumber.Value, at: number) {
  const value = new D(amount)
  if (value.gt(0)) order.goodwill = order.goodwill.plus(value)
  else order.settled = order.settled.minus(value)
  reconcile(model, order, at)
}

/** Whether the release job releases the order at `now`: its return window (from when it was placed) ended. */
export const isDue = (order: ModelOrder, now: number) => order.created_at + MODEL_RULES.pendingDays * DAY <= now

/** The hourly job at `now`: each due order first reconciles, then what is left pending becomes a lot. */
export function releaseJob(model: LedgerModel, now: number) {
  model.now = now
  for (const order of model.orders) {
    if (isDue(order, now)) releaseOrder(model, order, now)
  }
}

/** One order's release at `now`: reconcile, then what is left pending becomes a lot expiring 12 months on. */
export function releaseOrder(model: LedgerModel, order: ModelOrder, now: number) {
  reconcile(model, order, now)
  if (order.pending > 0) {
    const points = order.pending
    order.pending = 0
    order.released += points
    model.pending -= points
    credit(model, points, expiryOf(now), order)
  }
}

/** The daily job at `now`: every lot whose expiry has come is emptied (an order's own lot counts as that order's expired points). */
export function expireJob(model: LedgerModel, now: number) {
  model.now = now
  for (const lot of model.lots) {
    if (lot.remaining > 0 && lot.expires_at <= now) {
      const order = lot.order === undefined ? undefined : model.orders[lot.order]
      if (order) {
        order.expired += lot.remaining
        order.expired_at_standing = order.earned - order.reversed
      }
      model.balance -= lot.remaining
      lot.remaining = 0
    }
  }
}

/** What the admin's order summary shows. */
export const orderSummary = (order: ModelOrder) => ({
  earned: order.earned,
  released: order.released,
  reversed: order.reversed,
  pending: order.pending,
  redeemed: order.redeemed,
  restored: order.restored,
  expired: order.expired,
  expired_at_standing: order.expired_at_standing,
})
