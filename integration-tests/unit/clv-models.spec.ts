import { readFileSync } from "fs"
import path from "path"
import { bgNbdLogLikelihood, expectedPurchases, fitBgNbd, probabilityAlive } from "../../src/lib/bgnbd"
import { expectedSpend, fitGammaGamma } from "../../src/lib/gamma-gamma"
import { hyp2f1 } from "../../src/lib/hyp2f1"
import { summarizeTransactions, Transaction } from "../../src/lib/purchase-summary"

const FIXTURE = path.join(__dirname, "..", "fixtures", "cdnow")

/** CDNOW_sample.txt: full-cohort id, sample id, YYYYMMDD, CDs, dollars (CRLF lines). */
function cdnowTransactions(): Transaction[] {
  return readFileSync(path.join(FIXTURE, "CDNOW_sample.txt"), "utf8")
    .split(/\r?\n/)
    .filter((line) => line.trim())
    .map((line) => {
      const [, id, date, , amount] = line.trim().split(/\s+/)
      return {
        customer_id: id.replace(/^0+/, ""),
        at: new Date(Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8))),
        amount: Number(amount),
      }
    })
}

/** The 39-week calibration period ends on 1997-09-30. */
const CALIBRATION_END = new Date(Date.UTC(1997, 8, 30))

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
