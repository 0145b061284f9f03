import {
  CustomerFacts,
  defaultInsightSettings,
  lifecycleStage,
  matrixSegment,
  normalizeWeights,
  predictCustomer,
  rfmSegment,
  valueBand,
} from "../../src/lib/insights"
import { kpiMetrics } from "../../src/lib/kpis"

const settings = defaultInsightSettings()

const facts = (over: Partial<CustomerFacts>): CustomerFacts => ({
  orders_count: 3,
  purchase_days: 3,
  recency_days: 20,
  tx_days: 60,
  age_days: 80,
  monetary: 300,
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

describe("RFM segments", () => {
  it.each([
    [{ orders_count: 1, purchase_days: 1, recency_days: 1, r_score: 5, f_score: 1 }, "new"],
    [{ r_score: 5, f_score: 5, m_score: 4 }, "champions"],
    [{ r_score: 1, f_score: 5, m_score: 5 }, "cant_lose"],
    [{ r_score: 2, f_score: 3, m_score: 2 }, "at_risk"],
    [{ r_score: 3, f_score: 4, m_score: 2 }, "loyal"],
    [{ r_score: 4, f_score: 1, m_score: 2, orders_count: 1, recency_days: 45 }, "potential_loyalist"],
    [{ r_score: 2, f_score: 1, m_score: 1 }, "hibernating"],
    [{ r_score: 1, f_score: 1, m_score: 3 }, "lost"],
  ])("%j is %s", (over, segment) => {
    expect(rfmSegment(facts(over), settings)).toBe(segment)
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
    expect(lifecycleStage(facts({ purchase_days: 1, orders_count: 1, recency_days: 200, age_days: 200 }), 0, settings)).toBe("churned")
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
    }
    const f = facts({ purchase_days: 5, tx_days: 200, age_days: 210, recency_days: 10, repeat_mean: 40 })
    const undiscounted = predictCustomer(f, model, { annual_discount_rate: 0, profit_margin: 1 })
    const discounted = predictCustomer(f, model, { annual_discount_rate: 0.2, profit_margin: 1 })
    expect(discounted.clv_12m).toBeLessThan(undiscounted.clv_12m)
    expect(undiscounted.expected_365).toBeGreaterThan(undiscounted.expected_90)
    expect(undiscounted.churn_risk).toBeCloseTo(1 - undiscounted.p_alive, 12)
  })
})

describe("KPI ratios", () => {
  it("computes rates, NPS and liability from counts; null where nothing to divide by", () => {
    const metrics = kpiMetrics({
      customers: 10, new_customers: 1, members: 10, new_members: 1, active_customers: 4, orders: 6, revenue: 300,
      repeat_customers: 3, retained_customers: 2, previous_month_customers: 5,
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
      repeat_customers: 0, retained_customers: 0, previous_month_customers: 0,
      feedback: { responses: 0, promoters: 0, detractors: 0 }, points: null, referrals: null, point_values: {},
    })
    expect(empty).toMatchObject({ active_rate: null, average_order_value: null, nps: null, liability: null, referral_conversion: null })
  })
})
