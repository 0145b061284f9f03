import { BgNbdParams, expectedPurchases, probabilityAlive, probabilityNoPurchase } from "./clv/bgnbd"
import { expectedSpend, GammaGammaParams } from "./clv/gamma-gamma"

/**
 * Pure rules of the customer insights: named RFM segments, the loyalty
 * matrix, lifecycle stages, the customer value model and the settings a
 * merchant can change. The module's SQL computes the per-customer facts and
 * quintiles; everything decided from those facts is here, unit-tested.
 */

export {
  LIFECYCLE_STAGES,
  MATRIX_SEGMENTS,
  RFM_SEGMENTS,
  SEGMENT_LABELS,
  VALUE_BANDS,
  type LifecycleStage,
  type MatrixSegment,
  type RfmSegment,
  type ValueBand,
} from "./segments"
import { SEGMENT_LABELS, type LifecycleStage, type MatrixSegment, type RfmSegment, type ValueBand } from "./segments"

/** The rule behind each segment, in words (R, F, M scores 1–5; first matching rule wins, top to bottom). */
export const SEGMENT_RULES: Record<RfmSegment, string> = {
  new: "One purchase day, first order within the new-customer window (30 days unless set otherwise)",
  champions: "R 5, F 4–5 and M 4–5: bought recently, often and for much",
  loyal: "R 3–5 and F 4–5 (champions without their spend included)",
  potential_loyalist: "R 4–5 and F 2–3: recent and came back",
  promising: "R 4–5 and F 1: recent one-time buyer past the new-customer window",
  need_attention: "R 3 and F 3: average recency and frequency",
  about_to_sleep: "R 3 and F 1–2: fading after one or two purchases",
  at_risk: "R 1–2 and F 3–4: bought often, not lately",
  cant_lose: "R 1–2 and F 5: the most frequent buyers, gone quiet",
  hibernating: "R 2 and F 1–2: long ago, once or twice",
  lost: "R 1 and F 1–2: the longest ago, once or twice",
}

/** What to do with each segment: shown next to its count in the admin. */
export const SEGMENT_PLAYS: Record<RfmSegment, string> = {
  champions: "Reward them: early access, VIP care, ask for referrals and reviews.",
  loyal: "Upsell higher tiers and member-only offers; ask for reviews.",
  potential_loyalist: "Offer membership perks and a second-purchase incentive.",
  new: "Onboard: welcome series, show the points they earned, first-repeat bonus.",
  promising: "Build the habit: a second-purchase offer and the program's perks.",
  need_attention: "Limited-time offer or recommendation based on their past orders.",
  about_to_sleep: "Reconnect: popular products, a small bonus; keep it cheap.",
  at_risk: "Win back with a personal offer before they lapse for good.",
  cant_lose: "Reach out personally: strong win-back offer, ask what went wrong.",
  hibernating: "Re-engage with a time-boxed bonus or a relevant new product.",
  lost: "Low-cost reactivation only; do not overspend.",
}

export const MATRIX_PLAYS: Record<MatrixSegment, string> = {
  potential: "First-purchase incentives to win them.",
  passive: "Perks and emotional ties: they buy out of habit and leave for a cheaper rival.",
  active: "Purchase incentives: they like you and recommend you but buy little.",
  die_hard: "Referral asks and VIP care: they buy and advocate.",
}

export const LIFECYCLE_PLAYS: Record<LifecycleStage, string> = {
  new: "Establish: help them to a second order.",
  active: "Maintain: keep them earning and redeeming.",
  growing: "Develop: cross-sell and tier upgrades.",
  at_risk: "Win back before they churn.",
  churned: "Win-back campaign or let go.",
  reactivated: "Welcome back: make the second return stick.",
}

/** Indicators of the value model, each scored 0–1 before weighting. */
export const VALUE_INDICATORS = ["clv", "monetary", "frequency", "satisfaction", "referrals"] as const
export type ValueIndicator = (typeof VALUE_INDICATORS)[number]
export type ValueWeights = Record<ValueIndicator, number>

export type InsightSettings = {
  /** Money in other currencies converted into the default currency: 1 unit of `code` = rate units of the default. */
  currency_rates: Record<string, number>
  /** Acquisition cost of a customer in the default currency; 0 = unknown (no CLV/CAC). */
  acquisition_cost: number
  /** Yearly discount rate for CLV (0.1 = 10 %). */
  annual_discount_rate: number
  /** Share of revenue that is margin, applied to CLV (1 = CLV in revenue). */
  profit_margin: number
  value_weights: ValueWeights
  /** RFM segment → Medusa customer group kept equal to that segment's members on every recompute. */
  segment_groups: Partial<Record<RfmSegment, string>>
  /** Points for answering the feedback survey (0 = none). */
  feedback_points: number
  /** A first order this recent makes a customer "new". */
  new_customer_days: number
  /**
   * The churn horizon: churn risk is the chance that a customer places no
   * order in the next `lapse_days` days (both models, every customer).
   */
  lapse_days: number
  /** Customer rows of this many past runs are kept (segment history is kept for good). */
  keep_runs: number
}

export const DEFAULT_VALUE_WEIGHTS: ValueWeights = {
  clv: 0.4,
  monetary: 0.2,
  frequency: 0.2,
  satisfaction: 0.1,
  referrals: 0.1,
}

export function defaultInsightSettings(overrides: Partial<InsightSettings> = {}): InsightSettings {
  return {
    currency_rates: {},
    acquisition_cost: 0,
    annual_discount_rate: 0.1,
    profit_margin: 1,
    value_weights: { ...DEFAULT_VALUE_WEIGHTS },
    segment_groups: {},
    feedback_points: 0,
    new_customer_days: 30,
    lapse_days: 180,
    keep_runs: 5,
    ...overrides,
  }
}

/** Weights scaled to sum to 1, so the value score stays in 0–1 whatever the merchant enters. */
export function normalizeWeights(weights: ValueWeights): ValueWeights {
  const total = VALUE_INDICATORS.reduce((sum, key) => sum + Math.max(0, weights[key] ?? 0), 0)
  if (total <= 0) return { ...DEFAULT_VALUE_WEIGHTS }
  return Object.fromEntries(
    VALUE_INDICATORS.map((key) => [key, Math.max(0, weights[key] ?? 0) / total])
  ) as ValueWeights
}

/** Ranked bands: the top 20 % of value scores are high, the next 30 % medium, the rest low. */
export function valueBand(valuePercentRank: number): ValueBand {
  if (valuePercentRank >= 0.8) return "high"
  if (valuePercentRank >= 0.5) return "medium"
  return "low"
}

/** The per-customer facts the SQL stage computes. Times in days. */
export type CustomerFacts = {
  orders_count: number
  /** Distinct purchase days: the model counts same-day orders as one purchase. */
  purchase_days: number
  /**
   * Purchase days with a value (an order in a currency with a rate): a day paid only in currencies with
   * no rate counts for frequency and recency, not in the spend (it has no value, which is not a value of 0).
   */
  valued_days: number
  /** Valued purchase days after the first purchase day: what `repeat_mean` is the mean of. */
  valued_repeat_days: number
  recency_days: number
  /** First to last purchase day. */
  tx_days: number
  /** First purchase day to today. */
  age_days: number
  monetary: number
  /** Mean value of the valued repeat purchase days (0 without one). */
  repeat_mean: number
  recent_spend: number
  prior_spend: number
  /** Days between the last two purchase days; null with one purchase day. */
  gap_before_last: number | null
  r_score: number
  f_score: number
  m_score: number
  nps_score: number | null
  referrals: number
  redeemed_points: number
}

/**
 * Named RFM segment from the R, F and M scores (see the service's RFM stage:
 * F by purchase-day thresholds 1, 2, 3, 4–5, 6+; R and M by quintile with
 * ties kept together), with absolute recency for "new". The first rule of
 * `SEGMENT_RULES` that matches, in this order, gives the segment; every
 * (R, F) pair has exactly one.
 */
export function rfmSegment(f: CustomerFacts, settings: Pick<InsightSettings, "new_customer_days">): RfmSegment {
  const { r_score: r, f_score: fr, m_score: m } = f
  if (f.purchase_days <= 1 && f.recency_days <= settings.new_customer_days) return "new"
  if (r >= 5 && fr >= 4 && m >= 4) return "champions"
  if (r >= 3 && fr >= 4) return "loyal"
  if (r >= 4 && fr >= 2) return "potential_loyalist"
  if (r >= 4) return "promising"
  if (r === 3 && fr === 3) return "need_attention"
  if (r === 3) return "about_to_sleep"
  if (fr === 5) return "cant_lose"
  if (fr >= 3) return "at_risk"
  if (r === 2) return "hibernating"
  return "lost"
}

/** Attitude from the customer's own signals: a promoter score, a referral, or points redeemed. */
export function attitudeHigh(f: CustomerFacts): boolean {
  return (f.nps_score !== null && f.nps_score >= 9) || f.referrals > 0 || f.redeemed_points > 0
}

/** Behaviour from RFM: high when the mean of R, F and M scores is 3 or more. */
export function behaviorHigh(f: CustomerFacts): boolean {
  return (f.r_score + f.f_score + f.m_score) / 3 >= 3
}

export function matrixSegment(f: CustomerFacts): MatrixSegment {
  const behavior = behaviorHigh(f)
  const attitude = attitudeHigh(f)
  if (behavior) return attitude ? "die_hard" : "passive"
  return attitude ? "active" : "potential"
}

/**
 * Lifecycle from the age of the relationship and the churn risk, so the two
 * never disagree: churned at a churn risk of 80 % or more, at risk from 50 %.
 * Churn risk already reads recency for one-time buyers (see `predictCustomer`).
 */
export function lifecycleStage(
  f: CustomerFacts,
  churnRisk: number,
  settings: Pick<InsightSettings, "new_customer_days" | "lapse_days">
): LifecycleStage {
  const recent = f.recency_days <= settings.new_customer_days
  if (f.age_days <= settings.new_customer_days) return "new"
  if (churnRisk >= CHURNED_AT) return "churned"
  if (recent && f.gap_before_last !== null && f.gap_before_last > settings.lapse_days) return "reactivated"
  if (churnRisk >= AT_RISK_AT) return "at_risk"
  if (f.purchase_days > 1 && f.recent_spend > 0 && f.recent_spend > 1.2 * f.prior_spend) return "growing"
  return "active"
}

/** Churn-risk thresholds of the lifecycle stages. */
export const CHURNED_AT = 0.8
export const AT_RISK_AT = 0.5

/** The fitted models, or the reason they could not be used. */
export type PaceModel = {
  typical_gap_days: number
  /** The store's money per valued purchase day (see `paceSpend`). */
  mean_order_value: number
}
export type InsightModel =
  /** `pace` scores the odd customer the fitted model cannot evaluate. */
  | { kind: "bgnbd"; bgnbd: BgNbdParams; gamma_gamma: GammaGammaParams; pace: PaceModel }
  | ({ kind: "heuristic"; reason: string } & PaceModel)

export type CustomerPrediction = {
  /** The model's P(alive): 1 for every one-time buyer under BG/NBD (they can only leave after a repeat purchase). */
  p_alive: number
  /** P(no order in the next `lapse_days` days): same meaning in both models, rises with recency for everyone. */
  churn_risk: number
  expected_90: number
  expected_365: number
  clv_12m: number
}

const WEEK = 7
/** CLV is summed by quarter of a 365-day year: expected purchases at these horizons (days), discounted per quarter. */
const QUARTERS = [91.25, 182.5, 273.75, 365]

/**
 * Churn risk, expected purchases and CLV of one customer.
 *
 * Churn risk means the same in both models: the probability that the
 * customer places no order in the next `lapse_days` days. Under BG/NBD that
 * is 1 − P(alive) + P(alive)·((α+T)/(α+T+t))^(r+x); for a one-time buyer,
 * whom BG/NBD holds alive, it is ((α+T)/(α+T+t))^r, which grows with the time
 * since their order. The fallback uses the same definition with its own
 * P(alive) and the customer's own pace.
 */
export function predictCustomer(
  f: CustomerFacts,
  model: InsightModel,
  settings: Pick<InsightSettings, "annual_discount_rate" | "profit_margin" | "lapse_days">
): CustomerPrediction {
  if (model.kind === "bgnbd") {
    const x = f.purchase_days - 1
    const history = { x, tx: f.tx_days / WEEK, T: f.age_days / WEEK }
    // Gamma-Gamma weighs the customer's own mean by the number of days it is the mean of.
    const spend = expectedSpend(model.gamma_gamma, { x: f.valued_repeat_days, m: f.repeat_mean })
    return finish(
      {
        p_alive: probabilityAlive(model.bgnbd, history),
        churn_risk: probabilityNoPurchase(model.bgnbd, history, settings.lapse_days / WEEK),
        expected: (days) => expectedPurchases(model.bgnbd, history, days / WEEK),
        spend,
      },
      settings
    )
  }
  return predictByPace(f, model, settings)
}

/**
 * The fallback: each customer's own pace, decaying once they are overdue by
 * more than their usual gap (the store's typical gap for one-time buyers).
 * Also used for a single customer the fitted model cannot evaluate.
 */
export function predictByPace(
  f: CustomerFacts,
  model: PaceModel,
  settings: Pick<InsightSettings, "annual_discount_rate" | "profit_margin" | "lapse_days">
): CustomerPrediction {
  const x = f.purchase_days - 1
  const gap = x > 0 ? Math.max(f.tx_days / x, 1) : model.typical_gap_days
  const overdue = Math.max(0, f.recency_days - gap)
  const pAlive = Math.exp(-overdue / (2 * gap))
  const perDay = f.purchase_days / Math.max(f.age_days, gap)
  return finish(
    {
      p_alive: pAlive,
      churn_risk: 1 - pAlive + pAlive * Math.exp(-perDay * settings.lapse_days),
      expected: (days) => pAlive * perDay * days,
      spend: paceSpend(f, model),
    },
    settings
  )
}

/**
 * The fallback's value of a future purchase day: the customer's money over
 * their purchase days that have a value (a day paid in a currency with no
 * rate has none, not a value of 0, which would lower the figure), or the
 * store's mean when none has.
 */
export function paceSpend(f: Pick<CustomerFacts, "monetary" | "valued_days">, model: PaceModel): number {
  return f.valued_days > 0 ? f.monetary / f.valued_days : model.mean_order_value
}

function finish(
  p: { p_alive: number; churn_risk: number; expected: (days: number) => number; spend: number },
  settings: Pick<InsightSettings, "annual_discount_rate" | "profit_margin">
): CustomerPrediction {
  let clv = 0
  let before = 0
  QUARTERS.forEach((days, i) => {
    const cumulative = p.expected(days)
    clv += ((cumulative - before) * p.spend) / Math.pow(1 + settings.annual_discount_rate, (i + 1) / 4)
    before = cumulative
  })
  return {
    p_alive: p.p_alive,
    churn_risk: Math.min(1, Math.max(0, p.churn_risk)),
    expected_90: p.expected(90),
    // The last quarter's horizon is 365 days.
    expected_365: before,
    clv_12m: clv * settings.profit_margin,
  }
}

const money = (amount: number, currency: string) =>
  `${amount.toFixed(2)} ${currency.toUpperCase()}`

/** The one line the admin shows to say why a customer is where they are. */
export function explainCustomer(
  f: CustomerFacts,
  segment: RfmSegment,
  prediction: CustomerPrediction,
  currency: string,
  settings: Pick<InsightSettings, "lapse_days">
): string {
  const orders = `${f.orders_count} order${f.orders_count === 1 ? "" : "s"}`
  const last = f.recency_days === 0 ? "last one today" : `last one ${f.recency_days} day${f.recency_days === 1 ? "" : "s"} ago`
  const risk = `churn risk ${Math.round(prediction.churn_risk * 100)} % (no order in the next ${settings.lapse_days} days)`
  return `${SEGMENT_LABELS[segment]}: ${orders} worth ${money(f.monetary, currency)}, ${last}; ${risk}; 12-month CLV ${money(prediction.clv_12m, currency)}.`
}

/** What the admin shows next to a customer's labels: the rule, the play and the model behind the figures. */
export type InsightExplanation = {
  segment_rule: string | null
  segment_play: string | null
  lifecycle_play: string | null
  /** "BG/NBD × Gamma-Gamma" or "Fallback: each customer's own pace". */
  model: string
  /** How well the model is determined, or why the fallback ran. */
  model_quality: string
}

export function explainLabels(
  insight: { rfm_segment: string | null; lifecycle_stage: string | null },
  run: { model: string | null; model_reason: string | null; params: Record<string, unknown> | null }
): InsightExplanation {
  const segment = insight.rfm_segment as RfmSegment | null
  const stage = insight.lifecycle_stage as LifecycleStage | null
  let model = "Fallback: each customer's own pace"
  let quality = run.model_reason ?? "Too little history for the model"
  if (run.model === "bgnbd") {
    model = "BG/NBD × Gamma-Gamma"
    const params = run.params ?? {}
    const errors = params.bgnbd_log_standard_errors as number[] | null | undefined
    const fittedOn = Number(params.fitted_on ?? 0)
    const spread = errors?.length ? Math.round((Math.exp(Math.max(...errors)) - 1) * 100) : null
    quality =
      `Fitted on ${fittedOn} customers` +
      (spread !== null ? `; every parameter known to within ±${spread} % (one standard error)` : "")
  }
  return {
    segment_rule: segment ? SEGMENT_RULES[segment] ?? null : null,
    segment_play: segment ? SEGMENT_PLAYS[segment] ?? null : null,
    lifecycle_play: stage ? LIFECYCLE_PLAYS[stage] ?? null : null,
    model,
    model_quality: quality,
  }
}
