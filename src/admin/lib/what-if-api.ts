import { sdk } from "./sdk"

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

type CurrencyFigures = {
  currency_code: string
  revenue: string
  issued: number
  redeemed: number
  expired: number
  outstanding: number
  point_value: number | null
  issued_value: string
  liability: string
  cost_share: number | null
}

export type WhatIfSide = {
  issued: number
  redeemed: number
  expired: number
  outstanding: number
  by_currency: CurrencyFigures[]
  tiers: { tier_id: string | null; name: string; members: number }[]
}

export type WhatIfResult = {
  from: string
  to: string
  orders: number
  members: number
  ledger: { issued: number }
  current: WhatIfSide
  proposed: WhatIfSide
  tier_moves: { up: number; down: number; simulated: boolean }
  most_affected: {
    customer_id: string
    email: string | null
    current_points: number
    proposed_points: number
    delta: number
  }[]
  forward: {
    model: string
    run_id: string
    currency_code: string
    members: number
    current_points: number
    proposed_points: number
    current_points_interval: [number, number]
    proposed_points_interval: [number, number]
    current_liability: string
    proposed_liability: string
    interval: string
  } | null
  notes: string[]
  duration_ms: number
}

export const whatIfApi = {
  run: (body: WhatIfBody) =>
    sdk.client.fetch<{ what_if: WhatIfResult }>(`/admin/loyalty/what-if`, { method: "POST", body }),
}
