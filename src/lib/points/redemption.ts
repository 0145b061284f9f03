import { BigNumberInput } from "@medusajs/framework/types"
import { MathBN } from "@medusajs/framework/utils"
import { POINTS_CREDIT_LINE_REFERENCE, pointsCredit } from "./earning"
import { ProgramRules } from "./program"

export { POINTS_CREDIT_LINE_REFERENCE }

/** Decimal places by currency code, as `currencyDecimals` found them: ISO 4217 does not change while a process runs. */
const decimalsByCurrency = new Map<string, number>()

/**
 * Decimal places of a currency's minor unit (EUR 2, JPY 0), from the
 * runtime's ISO 4217 data; an unknown code has 2. Asked once per currency
 * and process: building an `Intl.NumberFormat` costs about a tenth of a
 * millisecond, and every award and cart preview asks several times.
 */
export function currencyDecimals(currencyCode: string): number {
  let decimals = decimalsByCurrency.get(currencyCode)
  if (decimals === undefined) {
    try {
      decimals =
        new Intl.NumberFormat("en", { style: "currency", currency: currencyCode.toUpperCase() }).resolvedOptions()
          .maximumFractionDigits ?? 2
    } catch {
      decimals = 2
    }
    // Three letters at most: the cache stays bounded whatever codes arrive.
    if (/^[a-z]{3}$/i.test(currencyCode)) decimalsByCurrency.set(currencyCode, decimals)
  }
  return decimals
}

/** Money value of `points`, rounded to the currency's precision. */
export function pointsToMoney(points: number, pointValue: number, currencyCode: string): number {
  return Number(MathBN.mult(points, pointValue).toFixed(currencyDecimals(currencyCode)))
}

export type RedeemableCart = {
  currency_code: string
  /** What is left to pay after every credit line, points included. */
  total: BigNumberInput
  shipping_total?: BigNumberInput | null
  credit_lines?: { amount: BigNumberInput; reference?: string | null; metadata?: Record<string, unknown> | null }[]
}

export type RedemptionLimits = {
  point_value: number | null
  min_points: number
  step: number
  /** Most points this cart can take: bounded by the max share, the balance and the step. */
  max_points: number
  max_value: number
  /** The cart total the max share is taken of (before points; without shipping unless points may pay it). */
  payable_base: number
  /** Why nothing can be redeemed, when max_points is 0. */
  unavailable_reason: string | null
}

/** Points currently applied to a cart (from our credit line's metadata). */
export function appliedPoints(cart: Pick<RedeemableCart, "credit_lines">): { points: number; value: number } {
  const lines = (cart.credit_lines ?? []).filter((line) => line?.reference === POINTS_CREDIT_LINE_REFERENCE)
  return {
    points: lines.reduce((sum, line) => sum + Number(line.metadata?.points ?? 0), 0),
    value: pointsCredit(lines),
  }
}

/**
 * What the program allows on this cart: max share of the total before
 * points (shipping excluded unless the program lets points pay it), the
 * shopper's balance, and the step. The same function answers the preview,
 * validates an apply request and re-checks at completion.
 */
export function redemptionLimits(rules: ProgramRules, cart: RedeemableCart, balance: number): RedemptionLimits {
  const currency = cart.currency_code.toLowerCase()
  const pointValue = rules.point_values[currency] ?? null
  const step = Math.max(1, rules.redeem_step)
  const totalBeforePoints = MathBN.add(cart.total, pointsCredit(cart.credit_lines))
  const base = MathBN.max(
    MathBN.sub(totalBeforePoints, rules.shipping_redeemable ? 0 : (cart.shipping_total ?? 0)),
    0
  )
  const maxValue = Number(MathBN.mult(base, rules.max_redeem_share).toFixed(currencyDecimals(currency)))
  const empty = (reason: string): RedemptionLimits => ({
    point_value: pointValue,
    min_points: rules.min_redeem_points,
    step,
    max_points: 0,
    max_value: 0,
    payable_base: base.toNumber(),
    unavailable_reason: reason,
  })
  if (!pointValue || pointValue <= 0) {
    return empty(`Points cannot pay in ${currency.toUpperCase()}`)
  }
  const byShare = Math.floor(Number(MathBN.div(maxValue, pointValue).toFixed(6)))
  const maxPoints = Math.floor(Math.min(byShare, balance) / step) * step
  if (maxPoints < rules.min_redeem_points || maxPoints <= 0) {
    return empty(
      balance < rules.min_redeem_points
        ? `At least ${rules.min_redeem_points} points are needed to redeem; the balance is ${balance}`
        : `This cart is too small to redeem the minimum of ${rules.min_redeem_points} points`
    )
  }
  return {
    point_value: pointValue,
    min_points: rules.min_redeem_points,
    step,
    max_points: maxPoints,
    max_value: pointsToMoney(maxPoints, pointValue, currency),
    payable_base: base.toNumber(),
    unavailable_reason: null,
  }
}

/**
 * Why `points` cannot be redeemed on the cart (empty when they can). The
 * messages are written for the shopper.
 */
export function redemptionProblems(points: number, limits: RedemptionLimits, balance: number): string[] {
  if (limits.max_points <= 0) {
    return [limits.unavailable_reason ?? "Points cannot pay for this cart"]
  }
  const problems: string[] = []
  if (points < limits.min_points) problems.push(`At least ${limits.min_points} points must be redeemed at once`)
  if (points % limits.step !== 0) problems.push(`Points are redeemed in steps of ${limits.step}`)
  if (points > balance) problems.push(`Only ${balance} points are available`)
  if (points <= balance && points > limits.max_points) {
    problems.push(
      `At most ${limits.max_points} points (worth ${limits.max_value}) can pay for this cart: ` +
        `points may pay ${limits.max_value} of ${limits.payable_base}`
    )
  }
  return problems
}
