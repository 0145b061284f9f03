import {
  CustomerFacts,
  defaultInsightSettings,
  lifecycleStage,
  matrixSegment,
  normalizeWeights,
  predictByPace,
  predictCustomer,
  RFM_SEGMENTS,
  rfmSegment,
  SEGMENT_LABELS,
  SEGMENT_PLAYS,
  SEGMENT_RULES,
  valueBand,
} from "../../src/lib/insights/rules"
import { kpiMetrics } from "../../src/lib/insights/kpis"
import { expectedSpend } from "../../src/lib/insights/clv/gamma-gamma"

const settings = defaultInsightSettings()

const facts = (over: Partial<CustomerFacts>): CustomerFacts => ({
  orders_count: 3,
  purchase_days: 3,
  recency_days: 20,
  tx_days: 60,
  age_days: 80,
  monetary: 300,
  valued_days: 3,
  valued_repeat_days: 2,
  repeat_mean: 100,
  recent_spend: 200,
  prior_spend: 100,
  gap_before_last: 30,
  r_score: 3,
  f_score: 3,
  m_score: 3,
  nps_score: null,
  referrals: 0,
  redeemed_points: 0,
  ...over,
})

describe("RFM segments: the common segment table (issue 14, defect 8)", () => {
  it.each([
    [{ orders_count: 1, purchase_days: 1, recency_days: 1, r_score: 5, f_score: 1 }, "new"],
    [{ r_score: 5, f_score: 5, m_score: 4 }, "champions"],
    // Spend counts: frequent and recent but small baskets are loyal, not champions.
    [{ r_score: 5, f_score: 5, m_score: 2 }, "loyal"],
    [{ r_score: 3, f_score: 4, m_score: 2 }, "loyal"],
    [{ r_score: 4, f_score: 2, m_score: 2 }, "potential_loyalist"],
    [{ r_score: 4, f_score: 1, m_score: 2, orders_count: 1, purchase_days: 1, recency_days: 45 }, "promising"],
    [{ r_score: 3, f_score: 3, m_score: 3 }, "need_attention"],
    [{ r_score: 3, f_score: 1, m_score: 3, orders_count: 1, purchase_days: 1, recency_days: 90 }, "about_to_sleep"],
    [{ r_score: 2, f_score: 3, m_score: 2 }, "at_risk"],
    [{ r_score: 1, f_score: 5, m_score: 5 }, "cant_lose"],
    [{ r_score: 2, f_score: 1, m_score: 1 }, "hibernating"],
    [{ r_score: 1, f_score: 2, m_score: 3 }, "lost"],
  ])("%j is %s", (over, segment) => {
    expect(rfmSegment(facts(over), settings)).toBe(segment)
  })

  it("gives every R × F × M cell exactly one of the eleven segments, each reachable, each with a label, rule and play", () => {
    const seen = new Set<string>()
    for (let r = 1; r <= 5; r++) {
      for (let fr = 1; fr <= 5; fr++) {
        for (let m = 1; m <= 5; m++) {
          const segment = rfmSegment(facts({ r_score: r, f_score: fr, m_score: m, purchase_days: fr, recency_days: 400 }), settings)
          expect(RFM_SEGMENTS).toContain(segment)
          seen.add(segment)
        }
      }
    }
    seen.add(rfmSegment(facts({ purchase_days: 1, orders_count: 1, recency_days: 3 }), settings))
    expect([...seen].sort()).toEqual([...RFM_SEGMENTS].sort())
    expect(RFM_SEGMENTS).toHaveLength(11)
    for (const segment of RFM_SEGMENTS) {
      expect(SEGMENT_LABELS[segment]).toBeTruthy()
      expect(SEGMENT_RULES[segment]).toBeTruthy()
      expect(SEGMENT_PLAYS[segment]).toBeTruthy()
    }
  })
})

describe("loyalty matrix", () => {
  it("crosses behaviour (RFM) with attitude (promoter, referral or redemption)", () => {
    expect(matrixSegment(facts({ r_score: 4, f_score: 4, m_score: 4 }))).toBe("passive")
    expect(matrixSegment(facts({ r_score: 4, f_score: 4, m_score: 4, nps_score: 10 }))).toBe("die_hard")
    expect(matrixSegment(facts({ r_score: 1, f_score: 1, m_score: 2, referrals: 1 }))).toBe("active")
    expect(matrixSegment(facts({ r_score: 1, f_score: 1, m_score: 2, nps_score: 6 }))).toBe("potential")
  })
})

describe("lifecycle", () => {
  it("new, churned, reactivated, at risk, growing, active", () => {
    expect(lifecycleStage(facts({ age_days: 10 }), 0, settings)).toBe("new")
    expect(lifecycleStage(facts({}), 0.85, settings)).toBe("churned")
    expect(lifecycleStage(facts({ recency_days: 5, gap_before_last: 250 }), 0.1, settings)).toBe("reactivated")
    expect(lifecycleStage(facts({}), 0.6, settings)).toBe("at_risk")
    expect(lifecycleStage(facts({ recent_spend: 300, prior_spend: 100 }), 0.1, settings)).toBe("growing")
    expect(lifecycleStage(facts({ recent_spend: 100, prior_spend: 100 }), 0.1, settings)).toBe("active")
  })
})

describe("value model", () => {
  it("normalizes merchant weights to sum to 1 and bands by rank", () => {
    const w = normalizeWeights({ clv: 2, monetary: 1, frequency: 1, satisfaction: 0, referrals: 0 })
    expect(w).toEqual({ clv: 0.5, monetary: 0.25, frequency: 0.25, satisfaction: 0, referrals: 0 })
    expect(valueBand(0.85)).toBe("high")
    expect(valueBand(0.6)).toBe("medium")
    expect(valueBand(0.2)).toBe("low")
  })

  it("discounts CLV and uses the BG/NBD × Gamma-Gamma model when fitted", () => {
    const model = {
      kind: "bgnbd" as const,
      bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
      gamma_gamma: { p: 6.25, q: 3.74, gamma: 15.44 },
      pace: { typical_gap_days: 60, mean_order_value: 40 },
    }
    const f = facts({ purchase_days: 5, tx_days: 200, age_days: 210, recency_days: 10, repeat_mean: 40 })
    const undiscounted = predictCustomer(f, model, { annual_discount_rate: 0, profit_margin: 1, lapse_days: 180 })
    const discounted = predictCustomer(f, model, { annual_discount_rate: 0.2, profit_margin: 1, lapse_days: 180 })
    expect(discounted.clv_12m).toBeLessThan(undiscounted.clv_12m)
    expect(undiscounted.expected_365).toBeGreaterThan(undiscounted.expected_90)
    // Churn risk = P(no order in the next 180 days) ≥ P(gone).
    expect(undiscounted.churn_risk).toBeGreaterThanOrEqual(1 - undiscounted.p_alive)
  })
})

describe("spend per future purchase day from the days that have a value (a currency with no rate)", () => {
  const gamma_gamma = { p: 6.25, q: 3.74, gamma: 15.44 }
  const bgnbd = {
    kind: "bgnbd" as const,
    bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
    gamma_gamma,
    pace: { typical_gap_days: 60, mean_order_value: 40 },
  }
  const heuristic = { kind: "heuristic" as const, reason: "test", typical_gap_days: 60, mean_order_value: 40 }
  // Three purchase days of 80 each, 150, 100 and 60 days ago; in `abroad` the last one is paid in a
  // currency with no rate: a purchase day with no value.
  const history = { orders_count: 3, purchase_days: 3, recency_days: 60, tx_days: 90, age_days: 150, gap_before_last: 40 }
  const rated = facts({ ...history, monetary: 240, valued_days: 3, valued_repeat_days: 2, repeat_mean: 80 })
  const abroad = facts({ ...history, monetary: 160, valued_days: 2, valued_repeat_days: 1, repeat_mean: 80 })

  it("the fallback prices a day at the customer's money over their valued days (80, not 160 / 3), and counts every day for the pace", () => {
    const a = predictByPace(abroad, heuristic, settings)
    const r = predictByPace(rated, heuristic, settings)
    expect(a.expected_365).toBe(r.expected_365)
    expect(r.clv_12m).toBeGreaterThan(0)
    expect(a.clv_12m).toBeCloseTo(r.clv_12m, 9)
  })

  it("the fallback prices a customer with no valued day at the store's mean, not at 0", () => {
    const unvalued = facts({ ...history, monetary: 0, valued_days: 0, valued_repeat_days: 0, repeat_mean: 0 })
    const store = facts({ ...history, monetary: 120, valued_days: 3, valued_repeat_days: 2, repeat_mean: 40 })
    expect(predictByPace(unvalued, heuristic, settings).clv_12m).toBeCloseTo(predictByPace(store, heuristic, settings).clv_12m, 9)
  })

  it("Gamma-Gamma weighs the customer's mean by the repeat days it is the mean of (1 valued, not 2)", () => {
    const a = predictCustomer(abroad, bgnbd, settings)
    const r = predictCustomer(rated, bgnbd, settings)
    // The same expected purchases (every purchase day counts); the spend per purchase is Gamma-Gamma's of one 80.
    expect(a.expected_365).toBe(r.expected_365)
    expect(a.clv_12m / r.clv_12m).toBeCloseTo(
      expectedSpend(gamma_gamma, { x: 1, m: 80 }) / expectedSpend(gamma_gamma, { x: 2, m: 80 }),
      9
    )
  })
})

describe("churn risk of one-time buyers (issue 14, defect 3)", () => {
  const bgnbd = {
    kind: "bgnbd" as const,
    bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
    gamma_gamma: { p: 6.25, q: 3.74, gamma: 15.44 },
    pace: { typical_gap_days: 60, mean_order_value: 40 },
  }
  const heuristic = { kind: "heuristic" as const, reason: "test", typical_gap_days: 60, mean_order_value: 40 }
  const oneTimer = (days: number) =>
    facts({ orders_count: 1, purchase_days: 1, recency_days: days, tx_days: 0, age_days: days, repeat_mean: 0, gap_before_last: null })

  it.each([
    ["BG/NBD", bgnbd],
    ["the fallback", heuristic],
  ] as const)("under %s grows with the time since their only order, and is never 0 once they are past new", (_, model) => {
    const risks = [40, 90, 180, 365, 730].map((days) => predictCustomer(oneTimer(days), model, settings).churn_risk)
    for (let i = 1; i < risks.length; i++) expect(risks[i]).toBeGreaterThan(risks[i - 1])
    expect(risks[0]).toBeGreaterThan(0.01)
    expect(risks[4]).toBeGreaterThan(0.8)
  })

  it("means the same in both models: P(no order in the next lapse_days days), so a shorter horizon raises it", () => {
    for (const model of [bgnbd, heuristic]) {
      const long = predictCustomer(oneTimer(120), model, settings).churn_risk
      const short = predictCustomer(oneTimer(120), model, { ...settings, lapse_days: 30 }).churn_risk
      expect(short).toBeGreaterThan(long)
    }
    // A frequent, recent buyer is at low risk in both.
    const regular = facts({ purchase_days: 10, orders_count: 10, tx_days: 270, age_days: 275, recency_days: 5 })
    expect(predictCustomer(regular, bgnbd, settings).churn_risk).toBeLessThan(0.2)
    expect(predictCustomer(regular, heuristic, settings).churn_risk).toBeLessThan(0.2)
  })

  it("agrees with the lifecycle: churned exactly when churn risk is 80 % or more", () => {
    for (const model of [bgnbd, heuristic]) {
      for (const days of [40, 90, 180, 365, 730]) {
        const f = oneTimer(days)
        const { churn_risk } = predictCustomer(f, model, settings)
        expect(lifecycleStage(f, churn_risk, settings) === "churned").toBe(churn_risk >= 0.8)
      }
    }
  })
})

describe("KPI ratios", () => {
  it("computes rates, NPS and liability from counts; null where nothing to divide by", () => {
    const metrics = kpiMetrics({
      customers: 10, new_customers: 1, members: 10, new_members: 1, active_customers: 4, orders: 6, revenue: 300,
      valued_orders: 6, repeat_customers: 3, retained_customers: 2, previous_month_customers: 5,
      feedback: { responses: 4, promoters: 2, detractors: 1 },
      points: { issued: 200, redeemed: 50, expired: 10, issued_to_date: 1000, redeemed_to_date: 300, expired_to_date: 100, outstanding: 600 },
      referrals: { made: 4, converted: 1, rewarded: 2 },
      point_values: { eur: 0.01, usd: 0.012 },
    })
    expect(metrics).toMatchObject({
      active_rate: 0.4, repeat_purchase_rate: 0.75, retention_rate: 0.4, purchase_frequency: 1.5, average_order_value: 50,
      redemption_rate: 0.25, breakage: 0.25, liability: { eur: 6, usd: 7.2 }, nps: 25,
      referrals_made: 4, referrals_rewarded: 2, referral_conversion: 0.25,
    })
    const empty = kpiMetrics({
      customers: 0, new_customers: 0, members: 0, new_members: 0, active_customers: 0, orders: 0, revenue: 0,
      valued_orders: 0, repeat_customers: 0, retained_customers: 0, previous_month_customers: 0,
      feedback: { responses: 0, promoters: 0, detractors: 0 }, points: null, referrals: null, point_values: {},
    })
    expect(empty).toMatchObject({ active_rate: null, average_order_value: null, nps: null, liability: null, referral_conversion: null })
  })

  it("averages order value over the orders it could value: one in a currency with no rate is an order, not a zero", () => {
    const metrics = kpiMetrics({
      customers: 10, new_customers: 1, members: 10, new_members: 1, active_customers: 4, orders: 6, revenue: 300,
      valued_orders: 5, repeat_customers: 3, retained_customers: 2, previous_month_customers: 5,
      feedback: { responses: 0, promoters: 0, detractors: 0 }, points: null, referrals: null, point_values: {},
    })
    expect(metrics).toMatchObject({ orders: 6, purchase_frequency: 1.5, revenue: 300, average_order_value: 60 })
  })
})
