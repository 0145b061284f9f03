import { addMonths } from "../../src/lib/shared/dates"

/**
 * A small in-memory model of the points rules in the README ("How points
 * work"), written from the README and not from the plugin's code, for the
 * model-based test (`integration-tests/http/ledger-model.spec.ts`). It knows
 * nothing of Medusa: money is in integer cents, points are integers, time is
 * milliseconds. Each function takes the model state and changes it the way the
 * README says the store does, and answers what a shopper or merchant would see
 * (refused or not, how many points).
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

export type ModelLot = { points: number; remaining: number; expires_at: number }

export type ModelOrder = {
  /** index in the sequence, for printing */
  n: number
  created_at: number
  /** net item value (what earns), cents */
  items_net: number
  /** item value with tax, cents */
  items_gross: number
  /** item value + shipping, with tax, before points, cents */
  total_before: number
  /** points applied at checkout and their value in cents */
  points_paid: number
  /** what the shopper paid in money, cents */
  cash_paid: number
  canceled: boolean
  captured: number
  refunded: number
  /** share of the items' value returned and received, as a fraction numerator/denominator (cents) */
  returned_value: number
  /** the ledger summary the admin sees for this order */
  earned: number
  released: number
  reversed: number
  pending: number
  redeemed: number
  restored: number
}

/** A coupon bought with points (single use, refunded when it expires unused). */
export type ModelCoupon = { points: number; expires_at: number; closed: boolean }

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

/** The test store's coupon reward: 300 points for 5 EUR off, valid 7 days, points back if it expires unused. */
export const COUPON_REWARD = { points: 300, validDays: 7 }

/** Buy a coupon at the model's clock: refused when the balance does not cover it. */
export function buyCoupon(model: LedgerModel): "ok" | "refused" {
  if (model.balance < COUPON_REWARD.points) return "refused"
  consume(model, COUPON_REWARD.points)
  model.coupons.push({ points: COUPON_REWARD.points, expires_at: model.now + COUPON_REWARD.validDays * DAY, closed: false })
  return "ok"
}

/** The daily job closes coupons past their date; an unused one gives its points back (a lot from `now`). */
export function expireCoupons(model: LedgerModel, now: number) {
  for (const coupon of model.coupons) {
    if (!coupon.closed && coupon.expires_at <= now) {
      coupon.closed = true
      credit(model, coupon.points, expiryOf(now))
    }
  }
}

/** Expiry of points credited at `at` (ms). */
export const expiryOf = (at: number) => addMonths(new Date(at), MODEL_RULES.expiryMonths).getTime()

/** New points pay off debt first; the rest becomes a lot. */
export function credit(model: LedgerModel, points: number, expiresAt: number) {
  const paid = Math.min(model.debt, points)
  model.debt -= paid
  const rest = points - paid
  if (rest > 0) {
    model.balance += rest
    model.lots.push({ points: rest, remaining: rest, expires_at: expiresAt })
  }
}

/** Take points from the balance, first-expiring lots first (the caller checked the balance). */
function consume(model: LedgerModel, points: number) {
  let left = points
  for (const lot of [...model.lots].sort((a, b) => a.expires_at - b.expires_at)) {
    if (left <= 0) break
    const take = Math.min(lot.remaining, left)
    lot.remaining -= take
    left -= take
  }
  if (left > 0) throw new Error(`model: lots hold ${points - left} of ${points}`)
  model.balance -= points
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
export const PRICES_CENTS = { expensive: 10000, cheap: 2500 }

const withVat = (cents: number) => Math.round((cents * (100 + MODEL_RULES.vatPercent)) / 100)

export function basketTotals(basket: Basket) {
  const itemsNet = basket.expensive * PRICES_CENTS.expensive + basket.cheap * PRICES_CENTS.cheap
  const itemsGross =
    basket.expensive * withVat(PRICES_CENTS.expensive) + basket.cheap * withVat(PRICES_CENTS.cheap)
  const shipping = withVat(MODEL_RULES.shippingCents)
  return { itemsNet, itemsGross, totalBefore: itemsGross + shipping }
}

/** The most points a basket can take: half its items' value (rounded half up), the balance, the step. */
export function maxRedeemable(model: LedgerModel, basket: Basket): number {
  const { itemsGross } = basketTotals(basket)
  const byShare = Math.floor(
    Math.round((itemsGross * MODEL_RULES.maxSharePercent) / 100 + 1e-9) / MODEL_RULES.pointValueCents
  )
  const max = Math.floor(Math.min(byShare, model.balance) / MODEL_RULES.step) * MODEL_RULES.step
  return max >= MODEL_RULES.minRedeem ? max : 0
}

/** Can `points` be applied to the basket now? */
export function canApply(model: LedgerModel, basket: Basket, points: number): boolean {
  const max = maxRedeemable(model, basket)
  return max > 0 && points >= MODEL_RULES.minRedeem && points % MODEL_RULES.step === 0 && points <= max
}

/**
 * A member's order is placed, `points` paid with points (already checked with
 * `canApply`): the points are debited, and the order earns on the money part
 * only, pending for the return window.
 */
export function placeOrder(model: LedgerModel, basket: Basket, points: number, at: number): ModelOrder {
  const { itemsNet, itemsGross, totalBefore } = basketTotals(basket)
  const credit = points * MODEL_RULES.pointValueCents
  const cash = totalBefore - credit
  if (points > 0) consume(model, points)
  // eligible = items_net × total_after_points / total_before_points; 1 point per EUR, floored
  const earned = Math.floor((itemsNet * cash) / (totalBefore * 100) + 1e-9)
  model.pending += earned
  const order: ModelOrder = {
    n: model.orders.length,
    created_at: at,
    items_net: itemsNet,
    items_gross: itemsGross,
    total_before: totalBefore,
    points_paid: points,
    cash_paid: cash,
    canceled: false,
    captured: 0,
    refunded: 0,
    returned_value: 0,
    earned,
    released: 0,
    reversed: 0,
    pending: earned,
    redeemed: points,
    restored: 0,
  }
  model.orders.push(order)
  return order
}

/**
 * The one money-based rule, as levels (README, "When an order changes"):
 * first the points spent on the order come back (all of them on cancel, the
 * returned items' share on a return), then what the order earns is brought
 * down: all of it when canceled, else floor(earned × refunded / captured).
 * The points given back are posted first, so a reversal taken from the
 * balance takes first-expiring points among them too (the plugin's order of
 * entries, and the README's order of its two sentences). The reversal comes
 * from the order's pending points, then the balance, then debt.
 */
export function reconcile(model: LedgerModel, order: ModelOrder, at: number) {
  if (order.redeemed > 0) {
    const restoreTarget = order.canceled
      ? order.redeemed
      : Math.min(order.redeemed, Math.floor((order.redeemed * order.returned_value) / order.items_gross + 1e-9))
    const restore = restoreTarget - order.restored
    if (restore > 0) {
      credit(model, restore, expiryOf(at))
      order.restored += restore
    }
  }
  const target = order.canceled
    ? order.earned
    : order.refunded <= 0
      ? 0
      : order.captured <= 0 || order.refunded >= order.captured
        ? order.earned
        : Math.min(order.earned, Math.floor((order.earned * order.refunded) / order.captured + 1e-9))
  const reverse = target - order.reversed
  if (reverse > 0 && order.earned > 0) {
    const fromPending = Math.min(reverse, order.pending)
    const fromBalance = Math.min(reverse - fromPending, model.balance)
    const toDebt = reverse - fromPending - fromBalance
    order.pending -= fromPending
    model.pending -= fromPending
    if (fromBalance > 0) consume(model, fromBalance)
    model.debt += toDebt
    order.reversed += reverse
  }
}

export function cancel(model: LedgerModel, order: ModelOrder, at: number) {
  order.canceled = true
  order.refunded = order.captured
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
    credit(model, points, expiryOf(now))
  }
}

/** The daily job at `now`: every lot whose expiry has come is emptied. */
export function expireJob(model: LedgerModel, now: number) {
  model.now = now
  for (const lot of model.lots) {
    if (lot.remaining > 0 && lot.expires_at <= now) {
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
})
