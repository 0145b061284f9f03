import { INSIGHT_LABELS } from "../../lib/insights/segments"
import type { InsightExplanation } from "../../lib/insights/rules"
import type {
  CustomerInsightRecord,
  InsightRunRecord,
  InsightRunSummary,
  KpiMetrics,
  KpiRow,
  SegmentChangeRecord,
} from "../../modules/loyalty-insights/types"
import type { listRunCustomersWithNames, SegmentKind, SegmentRow } from "../../api/admin/loyalty/insights/views"
import { sdk } from "./sdk"
import type { Wire } from "./wire"

/* Wire types of the plugin's /admin/loyalty/insights/* routes. */

/**
 * A recompute run as the insight routes send it: the module's run, its
 * summary read as the finish step writes it (any part may be missing from a
 * run an earlier version stored).
 */
export type InsightRun = Omit<Wire<InsightRunRecord>, "summary"> & {
  summary: Partial<Wire<InsightRunSummary>> | null
}

export type { KpiMetrics, KpiRow }

/** A segment's figures as the route sends them (`segmentsView`): the service's, with the segment's label, play and rule. */
export type SegmentStat = Wire<SegmentRow>

export type SegmentsResponse = {
  run: InsightRun | null
  segments: Record<SegmentKind, SegmentStat[]>
}

/** A run's customer as the customers route sends it: the module's row, with the customer's name and email. */
export type CustomerInsight = Wire<Awaited<ReturnType<typeof listRunCustomersWithNames>>["customers"][number]>

export type CustomersResponse = {
  run: InsightRun | null
  customers: CustomerInsight[]
  count: number
  limit: number
  offset: number
}

/** A change of the customer's segment or stage, as the module's history lists it. */
export type SegmentChange = Wire<SegmentChangeRecord>

export type { InsightExplanation }

/** `GET /admin/loyalty/insights/customers/:id`: the module's insight (without the name and email the list adds). */
export type CustomerInsightResponse = {
  insight: Wire<CustomerInsightRecord> | null
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
