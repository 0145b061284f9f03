import betaln from "@stdlib/math-base-special-betaln"
import gammaln from "@stdlib/math-base-special-gammaln"
import { byDistinctX, customerCount, customerMean, fitMaximumLikelihood, MAX_LOG_STANDARD_ERROR, PARAMETER_EDGE } from "./clv-fit"
import { logHyp2f1, logScaledHyp2f1Tail } from "./hyp2f1"

/**
 * The BG/NBD model (Fader, Hardie & Lee, "Counting Your Customers the Easy
 * Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 2005).
 * While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α);
 * after every purchase they drop out with probability p ~ Beta(a, b).
 *
 * A customer is summarized as (x, tₓ, T) in one time unit (weeks here):
 * x = repeat purchases (purchase days after the first), tₓ = time from the
 * first to the last purchase, T = time from the first purchase to now.
 */
export type BgNbdParams = { r: number; alpha: number; a: number; b: number }

export type RepeatSummary = {
  /** Repeat purchases: purchase days after the first one. */
  x: number
  /** Time of the last purchase, counted from the first (0 when x = 0). */
  tx: number
  /** Time from the first purchase to the end of the observation. */
  T: number
  /** How many customers share this (x, tₓ, T): fitting on grouped rows is exact. */
  count?: number
}

/** Log-likelihood of one customer (FHL 2005, eq. 6), written with ln B and ln Γ. */
export function bgNbdLogLikelihood({ r, alpha, a, b }: BgNbdParams, history: RepeatSummary): number {
  const { x } = history
  const a1 = gammaln(r + x) - gammaln(r) + r * Math.log(alpha)
  const a2 = betaln(a, b + x) - betaln(a, b)
  return likelihoodTail(a1 + a2, Math.log(a) - Math.log(b + x - 1), r, alpha, history)
}

/** The rest of eq. 6 given head = a₁ + a₂ and ln a − ln(b + x − 1), which depend on x only. */
function likelihoodTail(head: number, logA4: number, r: number, alpha: number, { x, tx, T }: RepeatSummary): number {
  const a3 = -(r + x) * Math.log(alpha + T)
  if (x === 0) {
    return head + a3
  }
  const a4 = logA4 - (r + x) * Math.log(alpha + tx)
  // log(e^a3 + e^a4) without overflow
  const max = Math.max(a3, a4)
  return head + max + Math.log(Math.exp(a3 - max) + Math.exp(a4 - max))
}

export type BgNbdFit = {
  params: BgNbdParams
  log_likelihood: number
  customers: number
  converged: boolean
  iterations: number
  /** The optimizer's last message. */
  message: string
  /** Standard errors of ln r, ln α, ln a, ln b (null: the likelihood is flat somewhere). */
  log_standard_errors: number[] | null
}

/**
 * Fit r, α, a, b by maximum likelihood on (grouped) customer summaries.
 * `start` warm-starts the optimizer (e.g. the holdout check from the full fit).
 */
export function fitBgNbd(data: RepeatSummary[], start?: BgNbdParams): BgNbdFit {
  const customers = customerCount(data)
  if (!customers) {
    throw new RangeError("BG/NBD needs at least one customer")
  }
  const meanT = customerMean(data, (row) => row.T, customers)
  // The optimizer evaluates the likelihood thousands of times over thousands of rows; the ln Γ and ln B
  // terms depend on the parameters and x only, and a store has few distinct x: computed once per x and
  // evaluation (the same expressions as bgNbdLogLikelihood, so every row's value is the same double).
  const { distinctX, rowSlot } = byDistinctX(data)
  const head = new Float64Array(distinctX.length)
  const logA4 = new Float64Array(distinctX.length)
  const logLikelihood = ([r, alpha, a, b]: number[]) => {
    const gammalnR = gammaln(r)
    const rLogAlpha = r * Math.log(alpha)
    const betalnAB = betaln(a, b)
    const logA = Math.log(a)
    for (let i = 0; i < distinctX.length; i++) {
      const x = distinctX[i]
      head[i] = gammaln(r + x) - gammalnR + rLogAlpha + (betaln(a, b + x) - betalnAB)
      logA4[i] = logA - Math.log(b + x - 1)
    }
    let sum = 0
    for (let j = 0; j < data.length; j++) {
      const row = data[j]
      const i = rowSlot[j]
      sum += (row.count ?? 1) * likelihoodTail(head[i], logA4[i], r, alpha, row)
    }
    return sum
  }
  // Start from "one purchase per observed period, even odds of dropping out".
  const from = start ? [start.r, start.alpha, start.a, start.b] : [1, Math.max(meanT, 1e-3), 1, 1]
  const result = fitMaximumLikelihood(logLikelihood, from, customers)
  const [r, alpha, a, b] = result.params
  return {
    params: { r, alpha, a, b },
    log_likelihood: result.log_likelihood,
    customers,
    converged: result.converged,
    iterations: result.iterations,
    message: result.message,
    log_standard_errors: result.log_standard_errors,
  }
}

/** Below this mean dropout chance per purchase, a/(a+b), the fit says "nobody ever leaves". */
export const MIN_DROPOUT_MEAN = 1e-3

/**
 * Why a BG/NBD fit is not a model of the store, or null when it is. A fit
 * can "converge" on the edge of the parameter space: on a store whose repeat
 * buyers all look active, the likelihood keeps rising as a → 0 and b → ∞
 * (no dropout at all), and P(alive) is then 1 for everyone however long ago
 * they bought. Such a fit, a flat likelihood (the observed information is
 * not positive definite) or parameters with huge standard errors are
 * rejected, so the caller falls back to a model that reads recency.
 */
export function bgNbdFitProblem(fit: BgNbdFit): string | null {
  const { r, alpha, a, b } = fit.params
  const show = (v: number) => (v >= 0.01 && v < 1e5 ? Number(v.toPrecision(4)).toString() : v.toExponential(2))
  if (!fit.converged || ![r, alpha, a, b].every((v) => Number.isFinite(v) && v > 0)) {
    return `The BG/NBD fit did not converge (${fit.message || "no optimum found"})`
  }
  const dropout = a / (a + b)
  if (dropout < MIN_DROPOUT_MEAN) {
    return `The BG/NBD fit ended on the edge of its parameters (a = ${show(a)}, b = ${show(b)}): a ${(dropout * 100).toPrecision(2)} % chance of leaving after a purchase, which would call every customer alive however long ago they bought`
  }
  const names = ["r", "α", "a", "b"]
  const values = [r, alpha, a, b]
  const edge = values.findIndex((v) => v < PARAMETER_EDGE.low || v > PARAMETER_EDGE.high)
  if (edge >= 0) {
    return `The BG/NBD fit ended on the edge of its parameters (${names[edge]} = ${show(values[edge])})`
  }
  if (!fit.log_standard_errors) {
    return "The BG/NBD likelihood is flat at its optimum: this store's history does not determine the parameters"
  }
  const worst = fit.log_standard_errors.reduce((w, se, i) => (se > fit.log_standard_errors![w] ? i : w), 0)
  if (fit.log_standard_errors[worst] > MAX_LOG_STANDARD_ERROR) {
    return `The BG/NBD fit is ill-determined: ${names[worst]} = ${show(values[worst])} has a standard error of ${fit.log_standard_errors[worst].toFixed(1)} on the log scale`
  }
  return null
}

/**
 * P(alive | x, tₓ, T) (FHL 2005, eq. 11). A customer with no repeat purchase
 * is alive with probability 1 under BG/NBD: dropout happens only right after
 * a purchase, so the model cannot tell a one-time buyer who left from a slow
 * one. Callers judge one-time buyers by recency instead.
 */
export function probabilityAlive({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: RepeatSummary): number {
  if (x === 0) return 1
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))
  return 1 / (1 + Math.exp(logOdds))
}

/**
 * P(no purchase in the next `t` time units | x, tₓ, T): the customer has
 * left, or is alive and buys nothing in t. Alive, their rate's posterior is
 * Gamma(r + x, α + T), so P(no purchase | alive) = ((α+T)/(α+T+t))^(r+x).
 * Unlike P(alive) this also reads recency for one-time buyers (for x = 0 it
 * is ((α+T)/(α+T+t))^r, which grows towards 1 as T, the time since their one
 * purchase, grows), so the insights use it as churn risk.
 */
export function probabilityNoPurchase(params: BgNbdParams, history: RepeatSummary, t: number): number {
  const { r, alpha } = params
  const { x, T } = history
  const alive = probabilityAlive(params, history)
  const silentIfAlive = Math.exp(-(r + x) * Math.log1p(t / (alpha + T)))
  return 1 - alive + alive * silentIfAlive
}

/**
 * Expected purchases in the next `t` time units for a customer with history
 * (x, tₓ, T) (FHL 2005, eq. 10):
 *
 *   E[Y(t) | x, tₓ, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *                         / (1 + δₓ₌₀' · a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x))
 *
 * The formula divides by a−1; at a = 1 exactly it is nudged, the expression
 * being continuous there.
 *
 * For a one-time buyer c = a + b − 1, which is ≤ 0 when a + b ≤ 1 (dropout
 * probabilities piled up near 0 and 1): ₂F₁ is then undefined or has negative
 * terms, but the formula only needs (a+b−1) · ₂F₁, which is finite there. For
 * c < 1 the numerator is computed as
 *   [c · (1 − P) − P · c(₂F₁ − 1)] / (a − 1),  P = ((α+T)/(α+T+t))^(r+x),
 * with c(₂F₁ − 1) a series of positive terms (`logScaledHyp2f1Tail`).
 */
export function expectedPurchases(params: BgNbdParams, history: RepeatSummary, t: number): number {
  if (t <= 0) return 0
  const { r, alpha, b } = params
  const a = Math.abs(params.a - 1) < 1e-9 ? 1 + 1e-9 : params.a
  const { x, tx, T } = history
  const z = t / (alpha + T + t)
  const c = a + b + x - 1
  const logPrefactor = (r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t))
  let numerator: number
  if (c >= 1) {
    const bracket = -Math.expm1(logPrefactor + logHyp2f1(r + x, b + x, c, z))
    numerator = (c / (a - 1)) * bracket
  } else {
    const tail = Math.exp(logPrefactor + logScaledHyp2f1Tail(r + x, b + x, c, z))
    numerator = (c * -Math.expm1(logPrefactor) - tail) / (a - 1)
  }
  const denominator =
    x > 0
      ? 1 + Math.exp(Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx)))
      : 1
  return Math.max(0, numerator / denominator)
}
