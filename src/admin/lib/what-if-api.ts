import type {
  RulesFigures,
  WhatIfResult as ReplayResult,
} from "../../workflows/what-if/steps/replay-order-history"
import { sdk } from "./sdk"
import type { Wire } from "./wire"

/** A proposal as the what-if route takes it (`POST /admin/loyalty/what-if`); parts left out stay as they are. */
export type WhatIfBody = {
  from?: string
  to?: string
  program?: {
    earn_rates?: Record<string, number>
    point_values?: Record<string, number>
    pending_days?: number
    expiry_months?: number
    min_redeem_points?: number
    redeem_step?: number
    max_redeem_share?: number
  }
  tiers?: {
    id?: string
    name: string
    rank: number
    metric: "points" | "spend" | "orders"
    threshold?: number | null
    spend_thresholds?: Record<string, number> | null
    earn_multiplier: number
  }[]
  campaigns?: Record<string, unknown>[]
  most_affected?: number
}

/** The figures of one set of rules, as the replay computes them. */
export type WhatIfSide = RulesFigures

/** The what-if route's answer: the replay's result as JSON carries it. */
export type WhatIfResult = Wire<ReplayResult>

export const whatIfApi = {
  run: (body: WhatIfBody) =>
    sdk.client.fetch<{ what_if: WhatIfResult }>(`/admin/loyalty/what-if`, { method: "POST", body }),
}
