import gammaln from "@stdlib/math-base-special-gammaln"
import { byDistinctX, customerCount, customerMean, fitMaximumLikelihood, MAX_LOG_STANDARD_ERROR, PARAMETER_EDGE } from "./clv-fit"

/**
 * The Gamma-Gamma spend model (Fader, Hardie & Lee, "RFM and CLV: Using
 * Iso-Value Curves for Customer Base Analysis", JMR 42, 2005; Colombo &
 * Jiang 1999). Each transaction's value is Gamma(p, ν), with ν ~ Gamma(q, γ)
 * across customers; a customer's mean spend m̄ over x transactions is then
 * Gamma(px, νx). Fitted on customers with at least one repeat purchase,
 * m̄ = the mean value of their repeat purchases.
 */
export type GammaGammaParams = { p: number; q: number; gamma: number }

export type SpendSummary = {
  /** Number of (repeat) transactions the mean is taken over; > 0. */
  x: number
  /** Mean value of those transactions; > 0. */
  m: number
  count?: number
}

/** Log-likelihood of one customer's mean spend (FHL 2005b, appendix). */
export function gammaGammaLogLikelihood({ p, q, gamma }: GammaGammaParams, { x, m }: SpendSummary): number {
  return (
    gammaln(p * x + q) -
    gammaln(p * x) -
    gammaln(q) +
    q * Math.log(gamma) +
    (p * x - 1) * Math.log(m) +
    p * x * Math.log(x) -
    (p * x + q) * Math.log(x * m + gamma)
  )
}

export type GammaGammaFit = {
  params: GammaGammaParams
  log_likelihood: number
  customers: number
  converged: boolean
  /** The optimizer's last message: why it stopped. */
  message: string
  /** Standard errors of ln p, ln q, ln γ at the optimum; null when the likelihood is flat there (`fitMaximumLikelihood`). */
  log_standard_errors: number[] | null
}

/**
 * Fit p, q, γ by maximum likelihood; rows with x = 0 or m ≤ 0 are ignored.
 * The fit runs on spend in units of the customers' mean spend (γ is a scale
 * parameter: spend × s gives the same p and q and γ × s, and a
 * log-likelihood lower by ln s per customer), so the optimizer meets the same
 * problem whether the store counts in euros, cents or yen, and its verdict
 * does not depend on the currency's unit.
 */
export function fitGammaGamma(data: SpendSummary[]): GammaGammaFit {
  const rows = data.filter((row) => row.x > 0 && row.m > 0)
  const customers = customerCount(rows)
  if (!customers) {
    throw new RangeError("Gamma-Gamma needs at least one customer with a repeat purchase")
  }
  const meanSpend = customerMean(rows, (row) => row.m, customers)
  const scale = Number.isFinite(meanSpend) && meanSpend > 0 ? meanSpend : 1
  const spend = rows.map((row) => row.m / scale)
  // As gammaGammaLogLikelihood, term by term in the same order (so the same doubles), with what depends
  // on the parameters and x only computed once per distinct x and evaluation, and ln m̄ once per row:
  // the optimizer evaluates this thousands of times.
  const { distinctX, rowSlot } = byDistinctX(rows)
  const logM = spend.map(Math.log)
  const logX = distinctX.map((x) => Math.log(x))
  const head = new Float64Array(distinctX.length)
  const logLikelihood = ([p, q, gamma]: number[]) => {
    const gammalnQ = gammaln(q)
    const qLogGamma = q * Math.log(gamma)
    for (let i = 0; i < distinctX.length; i++) {
      const px = p * distinctX[i]
      head[i] = gammaln(px + q) - gammaln(px) - gammalnQ + qLogGamma
    }
    let sum = 0
    for (let j = 0; j < rows.length; j++) {
      const { x, count } = rows[j]
      const i = rowSlot[j]
      const px = p * x
      sum += (count ?? 1) * (head[i] + (px - 1) * logM[j] + px * logX[i] - (px + q) * Math.log(x * spend[j] + gamma))
    }
    return sum
  }
  // Start where E[spend] = pγ/(q−1) is the observed mean (1 in these units).
  const result = fitMaximumLikelihood(logLikelihood, [2, 3, 1], customers)
  const [p, q, gamma] = result.params
  return {
    params: { p, q, gamma: gamma * scale },
    log_likelihood: result.log_likelihood - customers * Math.log(scale),
    customers,
    converged: result.converged,
    message: result.message,
    log_standard_errors: result.log_standard_errors,
  }
}

/**
 * The population mean spend pγ/(q−1) may be at most this many times the
 * observed mean spend; beyond, q sits so close to 1 that the model's mean is
 * driven by an almost infinite tail rather than by the data.
 */
export const MAX_POPULATION_MEAN_RATIO = 10

/**
 * Why a Gamma-Gamma fit cannot price future orders, or null when it can:
 * not converged; q ≤ 1 (no finite mean); q just above 1 (a population mean
 * spend far above what anyone spent, which would inflate every new customer's
 * CLV); a fit on the edge of its parameters or with a flat or ill-determined
 * likelihood, as `bgNbdFitProblem` judges BG/NBD. The last is what a store
 * whose customers' repeat spend does not differ beyond chance gives: the
 * likelihood keeps rising as q and γ grow together (every customer the same
 * ν), and such a "fit" would price every customer at the average, whatever
 * they spent.
 */
export function gammaGammaFitProblem(
  fit: Pick<GammaGammaFit, "params" | "converged" | "log_standard_errors">,
  /** Mean of the customers' mean repeat spend, in the same money. */
  observedMean: number
): string | null {
  const { p, q, gamma } = fit.params
  if (!fit.converged || ![p, q, gamma].every((v) => Number.isFinite(v) && v > 0)) {
    return "The Gamma-Gamma spend fit did not converge"
  }
  if (q <= 1) {
    return "Spend per order varies too much for the Gamma-Gamma model (q ≤ 1: no finite mean spend)"
  }
  const populationMean = (p * gamma) / (q - 1)
  if (observedMean > 0 && populationMean > MAX_POPULATION_MEAN_RATIO * observedMean) {
    return `The Gamma-Gamma spend fit has q = ${q.toPrecision(5)}, so close to 1 that its mean spend per order (${populationMean.toPrecision(4)}) is ${Math.round(populationMean / observedMean)}× the observed ${observedMean.toPrecision(4)}`
  }
  const names = ["p", "q", "γ"]
  // γ is money: judged in units of the mean spend, as the fit ran.
  const values = [p, q, observedMean > 0 ? gamma / observedMean : gamma]
  const edge = values.findIndex((v) => v < PARAMETER_EDGE.low || v > PARAMETER_EDGE.high)
  if (edge >= 0) {
    return `The Gamma-Gamma spend fit ended on the edge of its parameters (${names[edge]} = ${[p, q, gamma][edge].toExponential(2)}): this store's repeat spend does not tell its customers apart`
  }
  if (!fit.log_standard_errors) {
    return "The Gamma-Gamma likelihood is flat at its optimum: this store's repeat spend does not determine the parameters"
  }
  const worst = fit.log_standard_errors.reduce((w, se, i) => (se > fit.log_standard_errors![w] ? i : w), 0)
  if (fit.log_standard_errors[worst] > MAX_LOG_STANDARD_ERROR) {
    return `The Gamma-Gamma spend fit is ill-determined: ${names[worst]} = ${[p, q, gamma][worst].toPrecision(4)} has a standard error of ${fit.log_standard_errors[worst].toFixed(1)} on the log scale`
  }
  return null
}

/**
 * Expected value of a customer's future transactions (FHL 2005b, eq. 5): a
 * weighted mean of the population mean pγ/(q−1) and the customer's own m̄,
 * the more transactions the more their own. Needs q > 1.
 */
export function expectedSpend({ p, q, gamma }: GammaGammaParams, { x, m }: { x: number; m: number }): number {
  if (q <= 1) {
    throw new RangeError(`Gamma-Gamma expected spend needs q > 1, got ${q}`)
  }
  if (x <= 0 || !(m > 0)) {
    return (p * gamma) / (q - 1)
  }
  return ((gamma + m * x) * p) / (p * x + q - 1)
}
