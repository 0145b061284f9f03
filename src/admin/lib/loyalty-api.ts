import { FetchError } from "@medusajs/js-sdk"
import { sdk } from "./sdk"

/* ------------------------------------------------------------------ */
/* Wire types: the contract of the plugin's /admin/loyalty/* routes.   */
/* ------------------------------------------------------------------ */

export const LOYALTY_ENTRY_TYPES = [
  "earn",
  "pending",
  "release",
  "redeem",
  "reverse",
  "expire",
  "adjust",
  "restore",
] as const

export type LoyaltyEntryType = (typeof LOYALTY_ENTRY_TYPES)[number]

export type LoyaltyActorType = "customer" | "system" | "admin"

export interface LoyaltyProgram {
  version: number
  /** Points earned per 1 unit of the currency, keyed by lower-case currency code. */
  earn_rates: Record<string, number>
  /** Days points stay pending (the return window) before they can be spent. */
  pending_days: number
  /** Months after which earned points expire; 0 = never. */
  expiry_months: number
  /** Points granted on sign-up; 0 = off. */
  signup_bonus: number
  /** Value of one point in the currency, keyed by lower-case currency code. */
  point_values: Record<string, number>
  min_redeem_points: number
  redeem_step: number
  /** Share of the cart payable with points, 0..1. */
  max_redeem_share: number
  shipping_redeemable: boolean
  /** Not part of the contract; shown when the server sends it. */
  created_at?: string | null
  updated_at?: string | null
}

/** Body of `POST /admin/loyalty/program`: any subset, never `version`. */
export type LoyaltyProgramUpdate = Partial<
  Omit<LoyaltyProgram, "version" | "created_at" | "updated_at">
>

export interface AdminLoyaltyProgramResponse {
  program: LoyaltyProgram
  store_currencies: string[]
  currencies_without_earn_rate: string[]
}

export interface LoyaltyNextExpiry {
  expires_at: string
  points: number
}

export interface LoyaltyAccount {
  customer_id: string
  balance: number
  pending: number
  debt: number
  lifetime_earned: number
  lifetime_redeemed: number
  next_expiry: LoyaltyNextExpiry | null
}

export interface LoyaltyEntry {
  id: string
  type: LoyaltyEntryType
  points: number
  balance_change: number
  pending_change: number
  debt_change: number
  reason: string
  actor_type: LoyaltyActorType
  actor_id: string | null
  reference_type: string | null
  reference_id: string | null
  order_id: string | null
  program_version: number | null
  currency_code: string | null
  details: Record<string, unknown> | null
  created_at: string
}

export interface AdminLoyaltyAccountResponse {
  account: LoyaltyAccount
  entries: LoyaltyEntry[]
  has_more: boolean
  limit: number
  offset: number
}

export interface AdminLoyaltyAdjustmentBody {
  /** Integer, not 0, |points| <= LOYALTY_MAX_ADJUSTMENT. */
  points: number
  /** 1..LOYALTY_MAX_REASON_LENGTH characters. */
  reason: string
}

export interface AdminLoyaltyAdjustmentResponse {
  entry: LoyaltyEntry
  account: LoyaltyAccount
}

export interface LoyaltyOrderPoints {
  order_id: string
  earned: number
  released: number
  reversed: number
  pending: number
  redeemed: number
  restored: number
}

export interface AdminLoyaltyOrderResponse {
  order_points: LoyaltyOrderPoints
  entries: LoyaltyEntry[]
}

export interface LoyaltyPageQuery {
  limit: number
  offset: number
}

export type LoyaltyRewardKind = "fixed_amount" | "percentage" | "free_shipping"

/** A catalog reward: a coupon customers buy with points. */
export interface LoyaltyReward {
  id: string
  name: string
  description: string | null
  kind: LoyaltyRewardKind
  /** Money off per lower-case currency code (major units); fixed_amount only. */
  amounts: Record<string, number> | null
  /** 0..100; percentage only. */
  percentage: number | null
  points_cost: number
  starts_at: string | null
  ends_at: string | null
  /** null = unlimited. */
  per_customer_limit: number | null
  /** Days a bought coupon stays valid. */
  valid_days: number
  refund_on_expiry: boolean
  is_active: boolean
  created_at: string
  updated_at: string
  /** Only on the list. */
  coupons_issued?: number
}

/**
 * Body of `POST /admin/loyalty/rewards` (and, as any subset, of
 * `POST /admin/loyalty/rewards/:id`). `amounts` / `percentage` must be absent
 * or null unless the kind uses them.
 */
export interface LoyaltyRewardBody {
  name: string
  description?: string | null
  kind: LoyaltyRewardKind
  amounts?: Record<string, number> | null
  percentage?: number | null
  points_cost: number
  starts_at?: string | null
  ends_at?: string | null
  per_customer_limit?: number | null
  valid_days?: number
  refund_on_expiry?: boolean
  is_active?: boolean
}

export interface AdminLoyaltyRewardsResponse {
  rewards: LoyaltyReward[]
}

export interface AdminLoyaltyRewardResponse {
  reward: LoyaltyReward
}

export interface AdminLoyaltyRewardDeleteResponse {
  id: string
  deleted: true
}

/** Limits mirrored from the server's validators (the server stays the judge). */
export const LOYALTY_MAX_ADJUSTMENT = 1_000_000
export const LOYALTY_MAX_REASON_LENGTH = 500
export const LOYALTY_LEDGER_PAGE_SIZE = 10

/* ------------------------------------------------------------------ */
/* Fetchers                                                            */
/* ------------------------------------------------------------------ */

const BASE = "/admin/loyalty"

export const loyaltyApi = {
  retrieveProgram: () =>
    sdk.client.fetch<AdminLoyaltyProgramResponse>(`${BASE}/program`),

  updateProgram: (body: LoyaltyProgramUpdate) =>
    sdk.client.fetch<AdminLoyaltyProgramResponse>(`${BASE}/program`, {
      method: "POST",
      body,
    }),

  retrieveAccount: (customerId: string, query: LoyaltyPageQuery) =>
    sdk.client.fetch<AdminLoyaltyAccountResponse>(
      `${BASE}/accounts/${encodeURIComponent(customerId)}`,
      { query: { limit: query.limit, offset: query.offset } }
    ),

  adjustPoints: (customerId: string, body: AdminLoyaltyAdjustmentBody) =>
    sdk.client.fetch<AdminLoyaltyAdjustmentResponse>(
      `${BASE}/accounts/${encodeURIComponent(customerId)}/adjustments`,
      { method: "POST", body }
    ),

  retrieveOrderPoints: (orderId: string) =>
    sdk.client.fetch<AdminLoyaltyOrderResponse>(
      `${BASE}/orders/${encodeURIComponent(orderId)}`
    ),

  listRewards: () =>
    sdk.client.fetch<AdminLoyaltyRewardsResponse>(`${BASE}/rewards`),

  createReward: (body: LoyaltyRewardBody) =>
    sdk.client.fetch<AdminLoyaltyRewardResponse>(`${BASE}/rewards`, {
      method: "POST",
      body,
    }),

  updateReward: (id: string, body: Partial<LoyaltyRewardBody>) =>
    sdk.client.fetch<AdminLoyaltyRewardResponse>(
      `${BASE}/rewards/${encodeURIComponent(id)}`,
      { method: "POST", body }
    ),

  deleteReward: (id: string) =>
    sdk.client.fetch<AdminLoyaltyRewardDeleteResponse>(
      `${BASE}/rewards/${encodeURIComponent(id)}`,
      { method: "DELETE" }
    ),
}

/**
 * The message to show for a failed request. The SDK throws a `FetchError`
 * whose message is the server's `{ message }` (e.g. "Not enough points: ...").
 */
export function getErrorMessage(error: unknown): string {
  if (error instanceof Error && error.message) {
    return error.message
  }
  if (typeof error === "string" && error) {
    return error
  }
  return "Something went wrong. Please try again."
}

/** HTTP status of a failed SDK request, if any. */
export function getErrorStatus(error: unknown): number | undefined {
  return error instanceof FetchError ? error.status : undefined
}
