import { sdk } from "./sdk"

const BASE = "/admin/loyalty"

export type CurrencyLiability = {
  currency_code: string
  point_value: string
  available: string
  pending: string
  outstanding: string
  expected_breakage: string
  deferred_revenue: string
}

export type LiabilityMonth = {
  month: string
  issued: number
  redeemed: number
  restored: number
  expired: number
  reversed: number
  adjusted_down: number
  net_change: number
  outstanding_end: number
}

/** `GET /admin/loyalty/liability` (money as decimal strings). */
export type LiabilityReport = {
  generated_at: string
  program_version: number
  points: {
    available: number
    pending: number
    outstanding: number
    debt: number
    available_expiring: number
    available_non_expiring: number
    members: number
  }
  breakage: {
    window_months: number
    window_start: string
    window_end: string
    cohort_lots: number
    cohort_issued: number
    cohort_expired: number
    rate: string | null
    base_points: number
    includes_pending: boolean
    expected_points: number
  }
  currencies: CurrencyLiability[]
  months: LiabilityMonth[]
}

export const EXPORT_KINDS = [
  { kind: "accounts", label: "Accounts with balances" },
  { kind: "entries", label: "Ledger (all entries)" },
  { kind: "referrals", label: "Referrals" },
  { kind: "tiers", label: "Customers by tier" },
  { kind: "insights", label: "Insights per customer" },
] as const

/** A download URL on the backend (the admin session cookie authenticates it). */
const backendUrl = (path: string, query: Record<string, string>) => {
  const base = typeof __BACKEND_URL__ !== "undefined" && __BACKEND_URL__ ? __BACKEND_URL__.replace(/\/$/, "") : ""
  const search = new URLSearchParams(query).toString()
  return `${base}${path}${search ? `?${search}` : ""}`
}

export const liabilityApi = {
  report: (query: { months: number; window_months: number }) =>
    sdk.client.fetch<{ liability: LiabilityReport }>(`${BASE}/liability`, { query }),
  csvUrl: (section: "summary" | "movement", months: number, windowMonths: number) =>
    backendUrl(`${BASE}/liability`, { format: "csv", section, months: String(months), window_months: String(windowMonths) }),
  exportUrl: (kind: string, period: { from?: string; to?: string } = {}) =>
    backendUrl(`${BASE}/exports/${kind}`, {
      ...(period.from ? { from: period.from } : {}),
      ...(period.to ? { to: period.to } : {}),
    }),
}
