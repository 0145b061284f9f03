import { BgNbdParams, expectedPurchases } from "../insights/clv/bgnbd"
import { expectedSpend, GammaGammaParams } from "../insights/clv/gamma-gamma"

/**
 * The what-if's forward view as pure rules: the next 12 months of each
 * member's purchases (BG/NBD) and spend per purchase (Gamma-Gamma) from the
 * latest insights run's fitted parameters, turned into points at what the
 * member earned per unit of money in the replayed period under each set of
 * rules. The interval: the fitted parameters' standard errors (draws of
 * ln r, ln α, ln a, ln b) and the purchase counts' own noise (Poisson).
 */

/** The fitted models of an insights run (time unit: weeks). */
export type ForwardModel = {
  bgnbd: BgNbdParams
  gamma_gamma: GammaGammaParams
  /** Standard errors of ln r, ln α, ln a, ln b; null when the fit gave none. */
  log_standard_errors: number[] | null
}

/** A member's history as the models read it (weeks) and their points per unit of money under both rules. */
export type ForwardCustomer = {
  /** Repeat purchases (purchase days − 1). */
  x: number
  tx: number
  T: number
  /** Mean value of their repeat purchase days that have a value (paid in a currency with a rate). */
  m: number
  /** How many repeat purchase days `m` is the mean of (Gamma-Gamma's x). */
  valued_x: number
  current_rate: number
  proposed_rate: number
}

export const FORWARD_WEEKS = 52

/** One member's expected purchases and spend in the next `weeks`, and the points that earns under both rules. */
export function forwardOf(model: ForwardModel, c: ForwardCustomer, weeks = FORWARD_WEEKS) {
  const purchases = expectedPurchases(model.bgnbd, { x: c.x, tx: c.tx, T: c.T }, weeks)
  const spend = purchases * expectedSpend(model.gamma_gamma, { x: c.valued_x, m: c.m })
  return { purchases, spend, current: spend * c.current_rate, proposed: spend * c.proposed_rate }
}

/** A small seeded generator (mulberry32), so the interval is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const normal = (random: () => number) => {
  const u = Math.max(random(), 1e-12)
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
}

/**
 * The 90 % interval of a forward total as factors of its point estimate,
 * from `draws` parameter draws evaluated on a sample of members, widened by
 * the Poisson noise of `purchases` expected purchases in all.
 */
export function forwardInterval(
  model: ForwardModel,
  sample: ForwardCustomer[],
  purchases: number,
  draws = 100,
  seed = 20
): { low: number; high: number } {
  const poisson = purchases > 0 ? 1.645 / Math.sqrt(purchases) : 0
  const errors = model.log_standard_errors
  if (!sample.length || !errors || errors.length < 4) return { low: Math.max(0, 1 - poisson), high: 1 + poisson }
  const base = sample.reduce((sum, c) => sum + forwardOf(model, c).spend, 0)
  if (!(base > 0)) return { low: Math.max(0, 1 - poisson), high: 1 + poisson }
  const random = seededRandom(seed)
  const ratios: number[] = []
  const { r, alpha, a, b } = model.bgnbd
  for (let i = 0; i < draws; i++) {
    const drawn: ForwardModel = {
      ...model,
      bgnbd: {
        r: r * Math.exp(errors[0] * normal(random)),
        alpha: alpha * Math.exp(errors[1] * normal(random)),
        a: a * Math.exp(errors[2] * normal(random)),
        b: b * Math.exp(errors[3] * normal(random)),
      },
    }
    const total = sample.reduce((sum, c) => sum + forwardOf(drawn, c).spend, 0)
    if (Number.isFinite(total)) ratios.push(total / base)
  }
  ratios.sort((x, y) => x - y)
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.max(0, Math.floor(q * (ratios.length - 1))))] ?? 1
  const low = at(0.05) - 1
  const high = at(0.95) - 1
  return {
    low: Math.max(0, 1 - Math.sqrt(low * low + poisson * poisson)),
    high: 1 + Math.sqrt(high * high + poisson * poisson),
  }
}
