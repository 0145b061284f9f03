import type { LiabilityReport } from "../../lib/points/liability"
import { sdk } from "./sdk"

const BASE = "/admin/loyalty"

/** `GET /admin/loyalty/liability` (money as decimal strings): the route's own types. */
export type { CurrencyLiability, LiabilityReport } from "../../lib/points/liability"

/** One month of the report's movement. */
export type LiabilityMonth = LiabilityReport["months"][number]

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
