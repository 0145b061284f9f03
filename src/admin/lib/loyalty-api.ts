import { FetchError } from "@medusajs/js-sdk"
import { Limits, type ActorType, type EntryType, type RewardKind } from "../../lib/shared/vocabulary"
import type { ProgramRules } from "../../lib/points/program"
import type { TierChangeReason, TierDefinition, TierMetric, TierSettings, TierWindow } from "../../lib/tiers/rules"
import type { LedgerEntry, OrderPointsSummary, RewardRecord } from "../../modules/loyalty-points/types"
import type { RewardInput } from "../../workflows/rewards/types"
import type { accountView, programView } from "../../api/utils/views"
import type { adminCustomerTier } from "../../api/utils/tier-views"
import type { Wire } from "./wire"
import type { TierInput, TierPreview } from "../../modules/loyalty-tiers/types"
import { collectionApi, sdk } from "./sdk"

/* ------------------------------------------------------------------ */
/* Wire types: the contract of the plugin's /admin/loyalty/* routes.   */
/* ------------------------------------------------------------------ */

export { ENTRY_TYPES as LOYALTY_ENTRY_TYPES } from "../../lib/shared/vocabulary"
export type LoyaltyEntryType = EntryType
export type LoyaltyActorType = ActorType

/** The program rules as the route sends them (the rules every flow reads, plus when they were saved). */
export type LoyaltyProgram = ProgramRules & {
  /** Not part of the contract; shown when the server sends it. */
  created_at?: string | null
  updated_at?: string | null
}

/** Body of `POST /admin/loyalty/program`: any subset, never `version`. */
export type LoyaltyProgramUpdate = Partial<
  Omit<LoyaltyProgram, "version" | "created_at" | "updated_at">
>

/** `GET` / `POST /admin/loyalty/program`'s answer (`programView`): the rules, the store's currencies and those without an earn rate. */
export type AdminLoyaltyProgramResponse = Omit<Wire<Awaited<ReturnType<typeof programView>>>, "program"> & {
  program: LoyaltyProgram
}

/** A customer's points figures, as `accountView` builds them for the account routes. */
export type LoyaltyAccount = Wire<Awaited<ReturnType<typeof accountView>>>

/** A ledger entry as the module stores it and the admin routes send it. */
export type LoyaltyEntry = Wire<LedgerEntry>

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

/** What an order did in the ledger, as the module sums it. */
export type LoyaltyOrderPoints = OrderPointsSummary

export interface AdminLoyaltyOrderResponse {
  order_points: LoyaltyOrderPoints
  entries: LoyaltyEntry[]
}

export interface LoyaltyPageQuery {
  limit: number
  offset: number
}

export type LoyaltyRewardKind = RewardKind

/**
 * A catalog reward as the reward routes send it: the stored reward (amounts
 * are JSON, hence unknown values), with the coupons sold on the list only.
 */
export type LoyaltyReward = Wire<RewardRecord> & {
  /** Only on the list. */
  coupons_issued?: number
}

/**
 * Body of `POST /admin/loyalty/rewards` (and, in any subset, of
 * `POST /admin/loyalty/rewards/:id`): the reward workflows' input. `amounts` /
 * `percentage` must be absent or null unless the kind uses them.
 */
export type LoyaltyRewardBody = Wire<RewardInput>

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

/** The server validators' limits (the server stays the judge). */
export const LOYALTY_MAX_ADJUSTMENT = Limits.adjustment_points
export const LOYALTY_MAX_REASON_LENGTH = Limits.reason_length
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

  rewards: collectionApi<
    AdminLoyaltyRewardsResponse,
    AdminLoyaltyRewardResponse,
    LoyaltyRewardBody,
    AdminLoyaltyRewardDeleteResponse
  >(`${BASE}/rewards`),
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

/* ------------------------------------------------------------------ */
/* Tiers: the contract of /admin/loyalty/tiers, tier-order,            */
/* tier-preview, tier-settings and accounts/:id/tier.                  */
/* ------------------------------------------------------------------ */

export type LoyaltyTierMetric = TierMetric
export type LoyaltyTierWindow = TierWindow
export type LoyaltyTierSettings = TierSettings

export type LoyaltyTier = TierDefinition & {
  /** Customers with this tier in effect now. */
  members?: number
}

/** Body of create/update: the server validates the whole set. */
export type LoyaltyTierBody = Partial<Omit<TierInput, "rank" | "metadata">>

export interface AdminLoyaltyTiersResponse {
  tiers: LoyaltyTier[]
  settings: LoyaltyTierSettings
}

/** How many customers each tier would hold (`/admin/loyalty/tier-preview`): the tiers module's preview. */
export type LoyaltyTierPreview = Wire<TierPreview>

/**
 * `GET /admin/loyalty/accounts/:customer_id/tier`, as `adminCustomerTier`
 * builds it: the customer's tier status, a page of history and the latest overrides.
 */
export type AdminLoyaltyCustomerTierResponse = Wire<Awaited<ReturnType<typeof adminCustomerTier>>>
export type LoyaltyCustomerTier = AdminLoyaltyCustomerTierResponse["tier"]
export type LoyaltyTierProgress = NonNullable<LoyaltyCustomerTier["next"]>
export type LoyaltyTierOverride = AdminLoyaltyCustomerTierResponse["overrides"][number]
export type LoyaltyTierHistoryEntry = AdminLoyaltyCustomerTierResponse["history"][number]
export type LoyaltyTierChangeReason = TierChangeReason

export interface LoyaltyTierOverrideBody {
  tier_id: string | null
  reason: string
  /** ISO date-time; omitted = until ended by hand. */
  ends_at?: string | null
}

/** The server's tier bounds. */
export const LOYALTY_TIER_LIMITS = Limits.tier

export const loyaltyTiersApi = {
  list: () => sdk.client.fetch<AdminLoyaltyTiersResponse>(`${BASE}/tiers`),

  create: (body: LoyaltyTierBody) =>
    sdk.client.fetch<{ tier: LoyaltyTier }>(`${BASE}/tiers`, { method: "POST", body }),

  update: (id: string, body: LoyaltyTierBody) =>
    sdk.client.fetch<{ tier: LoyaltyTier }>(`${BASE}/tiers/${encodeURIComponent(id)}`, { method: "POST", body }),

  /** `moveMembersTo`: a tier id, "none", or undefined (refused when the tier has members). */
  remove: (id: string, moveMembersTo?: string) =>
    sdk.client.fetch<{ id: string; deleted: boolean; moved: number }>(`${BASE}/tiers/${encodeURIComponent(id)}`, {
      method: "DELETE",
      query: moveMembersTo ? { move_members_to: moveMembersTo } : undefined,
    }),

  reorder: (tierIds: string[]) =>
    sdk.client.fetch<{ tiers: LoyaltyTier[] }>(`${BASE}/tier-order`, { method: "POST", body: { tier_ids: tierIds } }),

  preview: () => sdk.client.fetch<{ preview: LoyaltyTierPreview }>(`${BASE}/tier-preview`),

  /** Counts for a proposed set (nothing saved); an invalid set is refused with the reason. */
  previewProposed: (tiers: (LoyaltyTierBody & { id?: string; rank?: number })[]) =>
    sdk.client.fetch<{ preview: LoyaltyTierPreview }>(`${BASE}/tier-preview`, { method: "POST", body: { tiers } }),

  updateSettings: (body: Partial<LoyaltyTierSettings>) =>
    sdk.client.fetch<{ settings: LoyaltyTierSettings; description: string }>(`${BASE}/tier-settings`, {
      method: "POST",
      body,
    }),

  retrieveCustomerTier: (customerId: string, query: LoyaltyPageQuery) =>
    sdk.client.fetch<AdminLoyaltyCustomerTierResponse>(`${BASE}/accounts/${encodeURIComponent(customerId)}/tier`, {
      query: { limit: query.limit, offset: query.offset },
    }),

  setOverride: (customerId: string, body: LoyaltyTierOverrideBody) =>
    sdk.client.fetch<AdminLoyaltyCustomerTierResponse>(
      `${BASE}/accounts/${encodeURIComponent(customerId)}/tier/override`,
      { method: "POST", body }
    ),

  endOverride: (customerId: string, reason?: string) =>
    sdk.client.fetch<AdminLoyaltyCustomerTierResponse>(
      `${BASE}/accounts/${encodeURIComponent(customerId)}/tier/override`,
      { method: "DELETE", query: reason ? { reason } : undefined }
    ),

  customerGroups: () =>
    sdk.client.fetch<{ customer_groups: { id: string; name: string }[] }>("/admin/customer-groups", {
      query: { limit: 200, fields: "id,name" },
    }),
}
