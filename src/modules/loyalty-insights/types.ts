import type { InferTypeOf } from "@medusajs/framework/types"
import type InsightRun from "./models/insight-run"
import type { InsightModel, InsightSettings } from "../../lib/insights/rules"

export type InsightRunStatus = "running" | "succeeded" | "failed"

/** The columns a run shows outside the module (not its bookkeeping). */
export const RUN_FIELDS = [
  "id", "status", "as_of", "started_at", "finished_at", "progress", "stage", "customers", "currency_code",
  "model", "model_reason", "params", "summary", "error", "triggered_by",
] as const

/** A recompute run (the generated DTO's public columns). */
export type InsightRunRecord = Pick<InferTypeOf<typeof InsightRun>, (typeof RUN_FIELDS)[number]>

/** How one segment's customer group was mirrored by a run (`error`: the group was not there). */
export type SegmentGroupSync = { customer_group_id: string; added: number; removed: number; error?: string }

/**
 * What a succeeded run keeps in its `summary` JSON (written by the finish step,
 * read by the admin's Loyalty page): segment counts, warnings, the last 30
 * days' KPIs, stage timings and the segment groups' sync.
 */
export type InsightRunSummary = Pick<ComputeResult, "segments" | "segment_changes" | "warnings" | "timings"> & {
  kpi_rows: number
  last_30_days: KpiWindow
  groups: Record<string, SegmentGroupSync>
}

/** What every stage of a recompute counts on: its run, its day and the money it counts in. */
export type RunBasis = {
  run_id: string
  now: Date
  /** The store's default currency (lower case): money is converted into it. */
  currency_code: string
}

/** What the recompute needs besides the data: the run's basis and the merchant's settings. */
export type ComputeInput = RunBasis & { settings: InsightSettings }

export type ComputeResult = {
  customers: number
  model: InsightModel
  params: Record<string, unknown> | null
  warnings: string[]
  segments: Record<string, number>
  segment_changes: number
  /** Milliseconds per stage: aggregate, fit, score, rank, history. */
  timings: Record<string, number>
}

/** What the KPI snapshot needs: the recompute's basis, and the months, rates and point values. */
export type KpiInput = RunBasis & {
  /** Months back from `now`'s month, inclusive of it. */
  months: number
  currency_rates: Record<string, number>
  /** Money value of one point per currency, for the liability. */
  point_values: Record<string, number>
}

/** The metrics of one month and cohort. Ratios are 0–1; null where the denominator is 0. */
export type KpiMetrics = {
  customers: number
  members: number
  new_members: number
  active_customers: number
  active_rate: number | null
  orders: number
  revenue: number
  repeat_customers: number
  repeat_purchase_rate: number | null
  retained_customers: number
  previous_month_customers: number
  retention_rate: number | null
  purchase_frequency: number | null
  average_order_value: number | null
  points_issued: number | null
  points_redeemed: number | null
  points_expired: number | null
  redemption_rate: number | null
  breakage: number | null
  outstanding_points: number | null
  liability: Record<string, number> | null
  referrals_made: number | null
  referrals_rewarded: number | null
  referral_conversion: number | null
  feedback_count: number
  nps: number | null
}

export type KpiRow = { month: string; cohort: "member" | "non_member" | "all"; metrics: KpiMetrics }

/** The KPIs of the `days` days up to `to`, per cohort (`from` exclusive, `to` inclusive). */
export type KpiWindow = { days: number; from: Date; to: Date } & Record<KpiRow["cohort"], KpiMetrics>

/** A customer's row of a run: the order facts it was computed from, as the aggregation handed them, and the run's scores. */
export type CustomerInsightRecord = Pick<
  CustomerOrderFacts,
  "customer_id" | "is_member" | "orders_count" | "purchase_days" | "first_order_at" | "last_order_at" | "recency_days" | "referrals" | "redeemed_points"
> & {
  id: string
  run_id: string
  monetary: number
  monetary_by_currency: Record<string, number>
  r_score: number
  f_score: number
  m_score: number
  rfm_segment: string | null
  matrix_segment: string | null
  lifecycle_stage: string | null
  p_alive: number | null
  churn_risk: number | null
  expected_90: number | null
  expected_365: number | null
  clv_12m: number | null
  clv_cac: number | null
  value_score: number | null
  value_band: string | null
  nps_score: number | null
  explanation: string | null
}

/** Predicted vs actual repeat purchases in the last `holdout_days`, from a fit on the history before them. */
export type HoldoutCheck = {
  holdout_days: number
  /** Customers who had bought before the holdout began (in the sample). */
  customers: number
  /** Checked on every n-th customer (by a hash of the id), as the main fit is sampled. */
  sample_every: number
  predicted: number
  actual: number
  /** predicted / actual − 1; null without actual purchases. */
  error: number | null
  by_repeat_purchases: { repeat_purchases: string; customers: number; predicted_mean: number; actual_mean: number }[]
  /** Set when the model predicted poorly: also among the run's warnings. */
  warning: string | null
}

/** One customer's order facts as the aggregation hands them to the insights module (money as exact decimal strings). */
export type CustomerOrderFacts = {
  customer_id: string
  is_member: boolean
  orders_count: number
  purchase_days: number
  /** Purchase days with a value: at least one order in a currency with a rate (the others have no value). */
  valued_days: number
  /** Valued purchase days after the first purchase day: the days `repeat_mean` is the mean of. */
  valued_repeat_days: number
  first_order_at: Date
  last_order_at: Date
  recency_days: number
  tx_days: number
  age_days: number
  monetary: string
  /** JSON object: currency code → exact amount in that currency. */
  monetary_by_currency: string
  /** Mean value of the valued repeat purchase days (0 without one). */
  repeat_mean: string
  recent_spend: string
  prior_spend: string
  gap_before_last: number | null
  referrals: number
  redeemed_points: number
  cal_purchase_days: number | null
  cal_tx_days: number | null
  cal_age_days: number | null
  holdout_purchase_days: number | null
}

/** One segment's figures in a run. */
export type SegmentStat = {
  segment: string | null
  customers: number
  members: number
  revenue: number
  revenue_share: number
  average_clv: number
  average_churn_risk: number
}

/** A change of a customer's segment or stage, as their insight history lists it. */
export type SegmentChangeRecord = {
  kind: "rfm" | "matrix" | "lifecycle"
  from_value: string | null
  to_value: string
  changed_at: Date
  run_id: string
}
