import { MathBN } from "@medusajs/framework/utils"
import { addMonths } from "../shared/dates"
import { ProgramRules } from "./program"
import { currencyDecimals } from "./redemption"

/**
 * The liability report: what the points members hold are worth, how much of
 * that is expected to expire unspent (breakage), and how the outstanding
 * points moved month by month. Pure rules over the facts the points module
 * reads from its ledger (`LiabilityFacts`); money is computed with Medusa's
 * BigNumber and returned as decimal strings, never floats.
 *
 * Breakage estimator (documented in docs/liability.md):
 *   rate = points that expired unspent / points issued, over the lots whose
 *          expiry date fell in the `window_months` before the report (their
 *          fate is settled: what was not spent by then expired);
 *   expected breakage = round(rate × points that can still expire), where
 *          those are the available points in lots with an expiry date, plus
 *          the pending points when the program in force expires points (they
 *          become such lots when released).
 * A store without settled lots in the window has no rate (null) and books no
 * breakage: nothing is invented.
 */

/** bignumber.js's ROUND_HALF_UP: money and points round half away from zero, as an accountant does. */
const HALF_UP = 4

/** What one settled cohort of lots did: points issued into them, points they lost to expiry. */
export type BreakageCohort = {
  /** Lots whose expiry fell inside the window. */
  lots: number
  /** Points issued into those lots (lots that give back spent or undone points not counted twice). */
  issued: number
  /** Of those, points that expired unspent (or are past their date and about to). */
  expired: number
}

/** One calendar month (UTC) of ledger movement, in points. */
export type LedgerMonth = {
  /** `YYYY-MM`. */
  month: string
  /** New points: pending and earned credits and positive adjustments. */
  issued: number
  /** Points spent (checkout, coupons). */
  redeemed: number
  /** Spent points given back (a failed or canceled order's). */
  restored: number
  /** Points lost to expiry, and points forfeited when a customer was deleted. */
  expired: number
  /** Points taken back because their order was canceled, returned or refunded. */
  reversed: number
  /** Points staff took away (negative adjustments). */
  adjusted_down: number
  /** Change of outstanding points (available + pending) over the month, every entry counted. */
  net_change: number
}

/** The ledger figures a report is computed from (read by the points module). */
export type LiabilityFacts = {
  now: Date
  available: number
  pending: number
  debt: number
  /** Available points in lots with an expiry date. */
  available_expiring: number
  /** Members holding points (available or pending). */
  members: number
  cohort: BreakageCohort
  window_months: number
  /** Months of movement, oldest first (months without entries may be missing). */
  months: LedgerMonth[]
  /** Outstanding points (available + pending) at the start of the first month. */
  outstanding_before: number
}

export type CurrencyLiability = {
  currency_code: string
  /** Value of one point, major units. */
  point_value: string
  available: string
  pending: string
  outstanding: string
  expected_breakage: string
  /** What to carry as deferred revenue: outstanding less expected breakage. */
  deferred_revenue: string
}

export type LiabilityReport = {
  generated_at: string
  program_version: number
  points: {
    available: number
    pending: number
    outstanding: number
    debt: number
    available_expiring: number
    available_non_expiring: number
    members: number
  }
  breakage: {
    window_months: number
    window_start: string
    window_end: string
    cohort_lots: number
    cohort_issued: number
    cohort_expired: number
    /** expired / issued of the cohort, 4 decimals; null without settled lots in the window. */
    rate: string | null
    /** Points the rate applies to. */
    base_points: number
    includes_pending: boolean
    expected_points: number
  }
  currencies: CurrencyLiability[]
  months: (LedgerMonth & { outstanding_end: number })[]
}

/** The share of a settled cohort's points that expired unspent, as an exact fraction; null without history. */
export function breakageFraction(cohort: BreakageCohort): { expired: number; issued: number } | null {
  if (cohort.issued <= 0) return null
  return { expired: Math.min(Math.max(cohort.expired, 0), cohort.issued), issued: cohort.issued }
}

/** Points expected to expire unspent out of `basePoints`, rounded half up to whole points. */
export function expectedBreakagePoints(cohort: BreakageCohort, basePoints: number): number {
  const fraction = breakageFraction(cohort)
  if (!fraction || basePoints <= 0) return 0
  return Number(MathBN.div(MathBN.mult(basePoints, fraction.expired), fraction.issued).toFixed(0, HALF_UP))
}

/** Money value of `points` at `pointValue` (major units) as a decimal string with the currency's precision. */
export function pointsValue(points: number, pointValue: number, currencyCode: string): string {
  return MathBN.mult(points, pointValue).toFixed(currencyDecimals(currencyCode), HALF_UP)
}

/** `YYYY-MM` of a date (UTC). */
export function monthKey(date: Date): string {
  return date.toISOString().slice(0, 7)
}

/** The first instant (UTC) of the first of the `count` months ending with `now`'s. */
export function firstMonthStart(now: Date, count: number): Date {
  return addMonths(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), 1 - count)
}

/** The `count` calendar months (UTC) ending with `now`'s, oldest first, as `YYYY-MM`. */
export function monthsUpTo(now: Date, count: number): string[] {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
  return Array.from({ length: count }, (_, i) => monthKey(addMonths(start, i - count + 1)))
}

/**
 * Every month from `first` to `now`'s with its movement (zeros where the
 * ledger has none) and the outstanding points at its end, a running total
 * from `outstandingBefore`.
 */
export function movementByMonth(
  months: LedgerMonth[],
  monthList: string[],
  outstandingBefore: number
): (LedgerMonth & { outstanding_end: number })[] {
  const byMonth = new Map(months.map((row) => [row.month, row]))
  let outstanding = outstandingBefore
  return monthList.map((month) => {
    const row = byMonth.get(month) ?? {
      month,
      issued: 0,
      redeemed: 0,
      restored: 0,
      expired: 0,
      reversed: 0,
      adjusted_down: 0,
      net_change: 0,
    }
    outstanding += row.net_change
    return { ...row, month, outstanding_end: outstanding }
  })
}

/** The liability report from the ledger's facts and the program in force (its point values per currency). */
export function liabilityReport(facts: LiabilityFacts, rules: ProgramRules, monthCount: number): LiabilityReport {
  const outstanding = facts.available + facts.pending
  const includesPending = rules.expiry_months > 0
  const basePoints = facts.available_expiring + (includesPending ? facts.pending : 0)
  const fraction = breakageFraction(facts.cohort)
  const expected = expectedBreakagePoints(facts.cohort, basePoints)
  const currencies = Object.entries(rules.point_values)
    .filter(([, value]) => value > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, value]): CurrencyLiability => {
      const decimals = currencyDecimals(code)
      const outstandingValue = MathBN.mult(outstanding, value)
      const breakageValue = MathBN.mult(expected, value)
      return {
        currency_code: code,
        point_value: MathBN.convert(value).toFixed(),
        available: pointsValue(facts.available, value, code),
        pending: pointsValue(facts.pending, value, code),
        outstanding: outstandingValue.toFixed(decimals, HALF_UP),
        expected_breakage: breakageValue.toFixed(decimals, HALF_UP),
        deferred_revenue: MathBN.sub(outstandingValue, breakageValue).toFixed(decimals, HALF_UP),
      }
    })
  return {
    generated_at: facts.now.toISOString(),
    program_version: rules.version,
    points: {
      available: facts.available,
      pending: facts.pending,
      outstanding,
      debt: facts.debt,
      available_expiring: facts.available_expiring,
      available_non_expiring: facts.available - facts.available_expiring,
      members: facts.members,
    },
    breakage: {
      window_months: facts.window_months,
      window_start: addMonths(facts.now, -facts.window_months).toISOString(),
      window_end: facts.now.toISOString(),
      cohort_lots: facts.cohort.lots,
      cohort_issued: facts.cohort.issued,
      cohort_expired: facts.cohort.expired,
      rate: fraction ? MathBN.div(fraction.expired, fraction.issued).toFixed(4, HALF_UP) : null,
      base_points: basePoints,
      includes_pending: includesPending,
      expected_points: expected,
    },
    currencies,
    months: movementByMonth(facts.months, monthsUpTo(facts.now, monthCount), facts.outstanding_before),
  }
}
