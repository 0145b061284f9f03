import { INSIGHT_LABELS } from "../../lib/insights/segments"
import type { InsightExplanation } from "../../lib/insights/rules"
import type { CustomerInsightRecord, KpiMetrics, KpiRow } from "../../modules/loyalty-insights/types"
import type { SegmentStat as ServiceSegmentStat } from "../../modules/loyalty-insights/types"
import { sdk } from "./sdk"
import type { Wire } from "./wire"

/* Wire types of the plugin's /admin/loyalty/insights/* routes. */

export type InsightRun = {
  id: string
  status: "running" | "succeeded" | "failed"
  as_of: string
  started_at: string
  finished_at: string | null
  progress: number
  stage: string
  customers: number
  currency_code: string | null
  model: "bgnbd" | "heuristic" | null
  model_reason: string | null
  params: Record<string, unknown> | null
  summary: {
    segments?: Record<string, number>
    segment_changes?: number
    warnings?: string[]
    /** The KPIs of the 30 days up to the run's day, per cohort. */
    last_30_days?: { days: number; from: string; to: string; member: KpiMetrics; non_member: KpiMetrics; all: KpiMetrics }
    groups?: Record<string, { customer_group_id: string; added: number; removed: number; error?: string }>
  } | null
  error: string | null
}

export type { KpiMetrics, KpiRow }

/** A segment's figures as the route sends them: the service's, with the segment's label, play and rule. */
export type SegmentStat = ServiceSegmentStat & {
  label?: string | null
  play?: string | null
  rule?: string | null
}

export type SegmentsResponse = {
  run: InsightRun | null
  segments: { rfm: SegmentStat[]; matrix: SegmentStat[]; lifecycle: SegmentStat[]; value_band: SegmentStat[] }
}

/** A run's customer as the route sends it: the module's row, with the customer's name and email. */
export type CustomerInsight = Omit<Wire<CustomerInsightRecord>, "value_band"> & {
  email: string | null
  first_name: string | null
  last_name: string | null
  value_band: "high" | "medium" | "low" | null
}

export type CustomersResponse = {
  run: InsightRun | null
  customers: CustomerInsight[]
  count: number
  limit: number
  offset: number
}

export type SegmentChange = {
  kind: "rfm" | "matrix" | "lifecycle"
  from_value: string | null
  to_value: string
  changed_at: string
}

export type { InsightExplanation }

export type CustomerInsightResponse = {
  insight: CustomerInsight | null
  history: SegmentChange[]
  explain: InsightExplanation | null
}

export type CustomerFilter = { rfm_segment?: string }

const BASE = "/admin/loyalty/insights"

export const insightsApi = {
  latestRuns: () => sdk.client.fetch<{ latest: InsightRun | null; succeeded: InsightRun | null }>(`${BASE}/runs/latest`),
  retrieveRun: (id: string) => sdk.client.fetch<{ run: InsightRun }>(`${BASE}/runs/${encodeURIComponent(id)}`),
  recompute: () => sdk.client.fetch<{ run: InsightRun }>(`${BASE}/recompute`, { method: "POST", body: {} }),
  kpis: () => sdk.client.fetch<{ run: InsightRun | null; kpis: KpiRow[] }>(`${BASE}/kpis`),
  segments: () => sdk.client.fetch<SegmentsResponse>(`${BASE}/segments`),
  customers: (filter: CustomerFilter, page: { limit: number; offset: number }) =>
    sdk.client.fetch<CustomersResponse>(`${BASE}/customers`, {
      query: { ...(filter.rfm_segment ? { rfm_segment: filter.rfm_segment } : {}), limit: page.limit, offset: page.offset },
    }),
  customer: (customerId: string) =>
    sdk.client.fetch<CustomerInsightResponse>(`${BASE}/customers/${encodeURIComponent(customerId)}`),
  /** The CSV export URL (the admin session cookie authenticates the download). */
  csvUrl: (filter: CustomerFilter) => {
    const base = typeof __BACKEND_URL__ !== "undefined" && __BACKEND_URL__ ? __BACKEND_URL__.replace(/\/$/, "") : ""
    const query = new URLSearchParams({ format: "csv", ...(filter.rfm_segment ? { rfm_segment: filter.rfm_segment } : {}) })
    return `${base}${BASE}/customers?${query}`
  },
}

export const SEGMENT_LABELS: Record<string, string> = INSIGHT_LABELS

export const segmentLabel = (segment: string | null | undefined) =>
  segment ? SEGMENT_LABELS[segment] ?? segment : "-"
