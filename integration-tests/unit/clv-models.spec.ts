import { readFileSync } from "fs"
import path from "path"
import { CALIBRATION_END, CDNOW_FIXTURE as FIXTURE, cdnowTransactions, HOLDOUT_END } from "../helpers/cdnow"
import {
  bgNbdFitProblem,
  bgNbdLogLikelihood,
  expectedPurchases,
  fitBgNbd,
  probabilityAlive,
  RepeatSummary,
} from "../../src/lib/insights/clv/bgnbd"
import gammaln from "@stdlib/math-base-special-gammaln"
import { fitMaximumLikelihood } from "../../src/lib/insights/clv/clv-fit"
import { expectedSpend, fitGammaGamma, gammaGammaFitProblem, type GammaGammaParams } from "../../src/lib/insights/clv/gamma-gamma"
import { hyp2f1 } from "../../src/lib/insights/clv/hyp2f1"
import { summarizeTransactions, utcDay } from "../../src/lib/insights/purchase-summary"

const within = (actual: number, expected: number, tolerance = 0.01) =>
  expect(Math.abs(actual / expected - 1)).toBeLessThan(tolerance)

describe("CDNOW: calibration summary derived from the raw transactions", () => {
  const summary = summarizeTransactions(cdnowTransactions(), CALIBRATION_END)

  it("matches the published per-customer summary (frequency, recency, T in weeks)", () => {
    const published = readFileSync(path.join(FIXTURE, "cdnow_customers_summary.csv"), "utf8")
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((line) => line.split(",").map(Number))
    expect(summary).toHaveLength(published.length)
    const byId = new Map(summary.map((row) => [row.customer_id, row]))
    for (const [id, frequency, recency, T] of published) {
      const row = byId.get(String(id))!
      expect(row.x).toBe(frequency)
      expect(row.tx).toBeCloseTo(recency, 1)
      expect(row.T).toBeCloseTo(T, 1)
    }
  })

  it("fits BG/NBD within 1 % of the published r, α, a, b and log-likelihood (Fader, Hardie & Lee 2005)", () => {
    const fit = fitBgNbd(summary)
    expect(fit.converged).toBe(true)
    within(fit.params.r, 0.243)
    within(fit.params.alpha, 4.414)
    within(fit.params.a, 0.793)
    within(fit.params.b, 2.426)
    within(fit.log_likelihood, -9582.4)
  })

  it("fits Gamma-Gamma within 1 % of the published p, q, γ on the 946 repeat buyers", () => {
    const fit = fitGammaGamma(summary.map((row) => ({ x: row.x, m: row.repeat_mean })))
    expect(fit.customers).toBe(946)
    within(fit.params.p, 6.25)
    within(fit.params.q, 3.74)
    within(fit.params.gamma, 15.44)
  })
})

describe("BG/NBD predictions at the published CDNOW parameters", () => {
  const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }

  it("expects 1.226 purchases in 39 weeks for x = 2, tₓ = 30.43, T = 38.86 (FHL Excel note)", () => {
    within(expectedPurchases(params, { x: 2, tx: 30.43, T: 38.86 }, 39), 1.226)
  })

  it("a customer who stopped buying long ago is less likely alive than one who bought recently", () => {
    const recent = probabilityAlive(params, { x: 5, tx: 38, T: 38.86 })
    const lapsed = probabilityAlive(params, { x: 5, tx: 5, T: 38.86 })
    expect(recent).toBeGreaterThan(0.85)
    expect(lapsed).toBeLessThan(0.2)
    // One-time buyers are alive by the model's construction.
    expect(probabilityAlive(params, { x: 0, tx: 0, T: 38.86 })).toBe(1)
  })

  it("expected purchases grow with the horizon and shrink for lapsed customers", () => {
    const h = { x: 3, tx: 20, T: 38 }
    const e13 = expectedPurchases(params, h, 13)
    const e52 = expectedPurchases(params, h, 52)
    expect(e52).toBeGreaterThan(e13)
    expect(expectedPurchases(params, { x: 3, tx: 2, T: 38 }, 52)).toBeLessThan(e52)
    expect(expectedPurchases(params, h, 0)).toBe(0)
  })

  it("stays finite for a customer with hundreds of purchases (no overflow in ₂F₁)", () => {
    // About 4 purchases a week, the last one today: most of the next 52 weeks' ~200 are expected.
    const value = expectedPurchases(params, { x: 600, tx: 152, T: 152 }, 52)
    expect(Number.isFinite(value)).toBe(true)
    expect(value).toBeGreaterThan(100)
    expect(value).toBeLessThan(210)
    // Two silent weeks are a strong sign for such a buyer: P(alive) ≈ 0.25.
    expect(probabilityAlive(params, { x: 600, tx: 150, T: 152 })).toBeLessThan(0.3)
  })

  it("log-likelihood of x = 0 is the closed form r ln(α/(α+T))", () => {
    expect(bgNbdLogLikelihood(params, { x: 0, tx: 0, T: 10 })).toBeCloseTo(
      params.r * Math.log(params.alpha / (params.alpha + 10)),
      10
    )
  })
})

describe("Gauss hypergeometric ₂F₁ (series, A&S 15.1.1)", () => {
  it("matches closed forms", () => {
    // ₂F₁(1, 1; 2; z) = −ln(1−z)/z  (A&S 15.1.3)
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 10)
    }
    // ₂F₁(a, b; b; z) = (1−z)^(−a)  (A&S 15.1.8)
    expect(hyp2f1(2.5, 3, 3, 0.7)).toBeCloseTo(Math.pow(0.3, -2.5), 8)
    expect(hyp2f1(3, 2, 5, 0)).toBe(1)
  })
})

describe("Gamma-Gamma expected spend", () => {
  const params = { p: 6.25, q: 3.74, gamma: 15.44 }
  it("moves from the population mean towards the customer's own mean with more transactions", () => {
    const population = (params.p * params.gamma) / (params.q - 1)
    expect(expectedSpend(params, { x: 0, m: 0 })).toBeCloseTo(population, 10)
    const one = expectedSpend(params, { x: 1, m: 100 })
    const ten = expectedSpend(params, { x: 10, m: 100 })
    expect(one).toBeGreaterThan(population)
    expect(ten).toBeGreaterThan(one)
    expect(ten).toBeLessThan(100)
  })
})

/**
 * E[Y(t) | x = 0, T] by numerical integration, independent of ₂F₁: a one-time
 * buyer is alive at T (BG/NBD drops out only after a purchase), their rate's
 * posterior is Gamma(r, α + T) and p keeps its Beta(a, b) prior, and an alive
 * customer buys (1 − e^(−λpt))/p times in t. Integrating λ out leaves
 *   ∫₀¹ (1 − ((α+T)/(α+T+pt))^r) / p · Beta(p; a, b) dp,
 * split at ½ and substituted (p = u^(1/a), 1 − p = v^(1/b)) to remove the endpoint singularities.
 */
function expectedOneTimerByIntegration(
  { r, alpha, a, b }: { r: number; alpha: number; a: number; b: number },
  T: number,
  t: number
): number {
  const g = (p: number) => (p === 0 ? (r * t) / (alpha + T) : -Math.expm1(-r * Math.log1p((p * t) / (alpha + T))) / p)
  const logBeta = gammaln(a) + gammaln(b) - gammaln(a + b)
  const n = 40_000
  let low = 0
  const uMax = Math.pow(0.5, a)
  for (let i = 0; i < n; i++) {
    const p = Math.pow(((i + 0.5) / n) * uMax, 1 / a)
    low += g(p) * Math.pow(1 - p, b - 1)
  }
  low *= uMax / n / a
  let high = 0
  const vMax = Math.pow(0.5, b)
  for (let i = 0; i < n; i++) {
    const q = Math.pow(((i + 0.5) / n) * vMax, 1 / b)
    high += g(1 - q) * Math.pow(1 - q, a - 1)
  }
  high *= vMax / n / b
  return (low + high) / Math.exp(logBeta)
}

describe("BG/NBD when a + b ≤ 1 (issue 14, defect 2)", () => {
  it("the numerical integral reproduces the closed form where ₂F₁ is defined (check of the check)", () => {
    const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }
    within(expectedPurchases(params, { x: 0, tx: 0, T: 20 }, 52), expectedOneTimerByIntegration(params, 20, 52), 1e-4)
  })

  it.each([
    [{ r: 0.5, alpha: 3, a: 0.3, b: 0.3 }],
    [{ r: 1.2, alpha: 10, a: 0.2, b: 0.8 }],
    [{ r: 0.8, alpha: 6, a: 0.45, b: 0.4 }],
  ])("predicts a one-time buyer's purchases for %j (U-shaped dropout) instead of throwing", (params) => {
    for (const [T, t] of [[5, 13], [30, 52], [80, 4]]) {
      const value = expectedPurchases(params, { x: 0, tx: 0, T }, t)
      within(value, expectedOneTimerByIntegration(params, T, t), 1e-4)
    }
    // Repeat buyers never needed c ≤ 0 and still work.
    expect(Number.isFinite(expectedPurchases(params, { x: 3, tx: 20, T: 30 }, 52))).toBe(true)
  })

  it("is continuous across a + b = 1", () => {
    const at = (b: number) => expectedPurchases({ r: 0.5, alpha: 3, a: 0.4, b }, { x: 0, tx: 0, T: 10 }, 26)
    within(at(0.6 - 1e-7), at(0.6 + 1e-7), 1e-5)
    within(at(0.6), at(0.6 + 1e-7), 1e-5)
  })
})

describe("fit convergence is reported honestly (issue 14, defect 7)", () => {
  it("an objective that is never finite is not converged and keeps no start values as a fit", () => {
    const result = fitMaximumLikelihood(() => Number.NaN, [1, 2], 10)
    expect(result.converged).toBe(false)
    expect(result.message).toMatch(/not finite/)
  })

  it("a fit stopped by the iteration limit is not converged", () => {
    // Rosenbrock's valley: 3 iterations cannot reach the minimum at (1, 1).
    const rosenbrock = ([x, y]: number[]) => -(100 * (Math.log(y) - Math.log(x) ** 2) ** 2 + (1 - Math.log(x)) ** 2)
    const result = fitMaximumLikelihood(rosenbrock, [Math.exp(-1.2), Math.exp(1)], 1, { maxIterations: 3 })
    expect(result.converged).toBe(false)
  })

  it("Gamma-Gamma passes the optimizer's verdict on: converged on CDNOW, not on a non-finite likelihood", () => {
    const cdnow = summarizeTransactions(cdnowTransactions(), CALIBRATION_END)
    expect(fitGammaGamma(cdnow.map((row) => ({ x: row.x, m: row.repeat_mean }))).converged).toBe(true)
    // Spend so large that every log-likelihood overflows: nothing to fit.
    const huge = fitGammaGamma([{ x: 1, m: 1e308 }, { x: 2, m: Number.MAX_VALUE }])
    expect(huge.converged).toBe(false)
  })

  it("Gamma-Gamma fits the same whatever the currency's unit: spend × 100 gives the same p and q, γ × 100", () => {
    const cdnow = summarizeTransactions(cdnowTransactions(), CALIBRATION_END).map((row) => ({ x: row.x, m: row.repeat_mean }))
    const dollars = fitGammaGamma(cdnow)
    const cents = fitGammaGamma(cdnow.map((row) => ({ ...row, m: row.m * 100 })))
    expect(cents.converged).toBe(true)
    within(cents.params.p, dollars.params.p, 1e-6)
    within(cents.params.q, dollars.params.q, 1e-6)
    within(cents.params.gamma, dollars.params.gamma * 100, 1e-6)
    within(cents.log_likelihood, dollars.log_likelihood - 946 * Math.log(100), 1e-6)
  })

  it("rejects a spend fit that cannot tell customers apart (q and γ running off together), in any currency unit", () => {
    // 30 repeat buyers whose mean spend is spread 10 to 50 with one or two repeat orders each: within-customer
    // chance explains it, the likelihood keeps rising as every customer's ν becomes the same.
    for (const unit of [0.01, 1, 10_000]) {
      const rows = Array.from({ length: 30 }, (_, i) => ({ x: 1 + (i % 2), m: unit * 10 * (1 + (i % 5)) }))
      const fit = fitGammaGamma(rows)
      expect(gammaGammaFitProblem(fit, unit * 30)).toMatch(/did not converge|edge of its parameters|flat|ill-determined/)
    }
    // The CDNOW fit stays accepted, with its standard errors.
    const cdnow = summarizeTransactions(cdnowTransactions(), CALIBRATION_END)
    const accepted = fitGammaGamma(cdnow.map((row) => ({ x: row.x, m: row.repeat_mean })))
    expect(accepted.log_standard_errors).toHaveLength(3)
    expect(gammaGammaFitProblem(accepted, 35)).toBeNull()
  })

  it("q just above 1 is not a usable spend model: the population mean would explode", () => {
    const observedMean = 40
    const fit = (params: GammaGammaParams, converged = true) => ({ params, converged, log_standard_errors: [0.1, 0.2, 0.2] })
    expect(gammaGammaFitProblem(fit({ p: 6.25, q: 3.74, gamma: 15.44 }), observedMean)).toBeNull()
    expect(gammaGammaFitProblem(fit({ p: 2, q: 1.0001, gamma: 20 }), observedMean)).toMatch(/q = 1\.0001/)
    expect(gammaGammaFitProblem(fit({ p: 2, q: 0.8, gamma: 20 }), observedMean)).toMatch(/q ≤ 1/)
    expect(gammaGammaFitProblem(fit({ p: 6.25, q: 3.74, gamma: 15.44 }, false), observedMean)).toMatch(/did not converge/)
    // And expectedSpend itself refuses a mean it cannot give.
    expect(() => expectedSpend({ p: 2, q: 1, gamma: 20 }, { x: 0, m: 0 })).toThrow(RangeError)
  })
})

describe("boundary and ill-conditioned BG/NBD fits (issue 14, defect 1)", () => {
  /** A store where every repeat buyer still buys at their pace: nothing in the data shows dropout. */
  function everyoneStillBuying(): RepeatSummary[] {
    let seed = 7
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    const rows: RepeatSummary[] = []
    for (let i = 0; i < 200; i++) {
      const T = 10 + random() * 40
      const x = Math.floor(T / (1 + random() * 6))
      rows.push({ x, tx: x ? T * 0.95 : 0, T })
    }
    for (let i = 0; i < 60; i++) rows.push({ x: 0, tx: 0, T: 1 + random() * 50 })
    return rows
  }

  it("accepts the CDNOW fit: inside the parameter space, with small standard errors", () => {
    const fit = fitBgNbd(summarizeTransactions(cdnowTransactions(), CALIBRATION_END))
    expect(bgNbdFitProblem(fit)).toBeNull()
    expect(fit.log_standard_errors).toHaveLength(4)
    for (const se of fit.log_standard_errors!) expect(se).toBeLessThan(0.5)
  })

  it("rejects a fit that ends at a ≈ 0, b ≈ ∞ (no dropout: P(alive) = 1 for everyone) even though the optimizer stopped", () => {
    const fit = fitBgNbd(everyoneStillBuying())
    expect(fit.params.a / (fit.params.a + fit.params.b)).toBeLessThan(1e-3)
    // With that fit a customer silent for a year is as alive as one who bought yesterday.
    expect(probabilityAlive(fit.params, { x: 3, tx: 2, T: 52 })).toBeGreaterThan(0.99)
    expect(bgNbdFitProblem(fit)).toMatch(/^The BG\/NBD fit ended on the edge of its parameters \(a = .*, b = .*\)/)
  })

  it("rejects a fit that did not converge, a flat likelihood and huge standard errors", () => {
    const good = fitBgNbd(summarizeTransactions(cdnowTransactions(), CALIBRATION_END))
    expect(bgNbdFitProblem({ ...good, converged: false, message: "maxit reached during line search" })).toBe(
      "The BG/NBD fit did not converge (maxit reached during line search)"
    )
    expect(bgNbdFitProblem({ ...good, log_standard_errors: null })).toMatch(/flat/)
    expect(bgNbdFitProblem({ ...good, log_standard_errors: [0.1, 0.1, 3.2, 0.1] })).toMatch(/ill-determined: a = 0\.79\d* has a standard error of 3\.2/)
  })
})

describe("CDNOW holdout: the calibration fit's predictions against what the customers then did", () => {
  const transactions = cdnowTransactions()
  const calibration = summarizeTransactions(transactions, CALIBRATION_END)
  const fit = fitBgNbd(calibration)
  const calibrationEnd = utcDay(CALIBRATION_END)
  const holdoutEnd = utcDay(HOLDOUT_END)
  const holdoutWeeks = (holdoutEnd - calibrationEnd) / 7
  // Actual repeat purchases (purchase days) of each customer in the 39 holdout weeks.
  const actual = new Map<string, Set<number>>()
  for (const t of transactions) {
    const day = utcDay(t.at)
    if (day > calibrationEnd && day <= holdoutEnd) {
      actual.set(t.customer_id, (actual.get(t.customer_id) ?? new Set<number>()).add(day))
    }
  }
  const rows = calibration.map((c) => ({
    x: c.x,
    predicted: expectedPurchases(fit.params, c, holdoutWeeks),
    actual: actual.get(c.customer_id)?.size ?? 0,
  }))

  it("predicts the cohort's holdout repeat purchases within 15 % (1,653 predicted, 1,882 actual)", () => {
    expect(holdoutWeeks).toBe(39)
    const predicted = rows.reduce((sum, row) => sum + row.predicted, 0)
    const observed = rows.reduce((sum, row) => sum + row.actual, 0)
    expect(observed).toBe(1882)
    within(predicted, 1653.4, 0.005)
    expect(Math.abs(predicted / observed - 1)).toBeLessThan(0.15)
  })

  it("conditional expectations follow the actual holdout means by calibration frequency (FHL 2005, figure 4)", () => {
    const groups = [0, 1, 2, 3, 4, 5, 6, 7].map((x) => {
      const members = rows.filter((row) => (x === 7 ? row.x >= 7 : row.x === x))
      const mean = (key: "predicted" | "actual") => members.reduce((sum, row) => sum + row[key], 0) / members.length
      return { x, predicted: mean("predicted"), actual: mean("actual") }
    })
    for (let i = 1; i < groups.length; i++) {
      expect(groups[i].predicted).toBeGreaterThan(groups[i - 1].predicted)
    }
    for (const group of groups) {
      // Within 0.4 purchases or 30 % of the actual mean, whichever is larger.
      expect(Math.abs(group.predicted - group.actual)).toBeLessThan(Math.max(0.4, 0.3 * group.actual))
    }
  })

  it("Gamma-Gamma on the same calibration reproduces FHL's reference p = 6.25, q = 3.74, γ = 15.44 and its mean spend", () => {
    const gg = fitGammaGamma(calibration.map((row) => ({ x: row.x, m: row.repeat_mean })))
    expect(gg.converged).toBe(true)
    expect(gammaGammaFitProblem(gg, 35)).toBeNull()
    within(gg.params.p, 6.25)
    within(gg.params.q, 3.74)
    within(gg.params.gamma, 15.44)
    // Population mean spend per transaction pγ/(q−1) ≈ 35.2 dollars.
    within(expectedSpend(gg.params, { x: 0, m: 0 }), (6.25 * 15.44) / 2.74, 0.02)
  })
})
