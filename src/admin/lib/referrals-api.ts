import type { ReferralFlag, ReferralProgramSettings } from "../../lib/referrals/rules"
import { Limits, REFERRAL_STATUSES, type ReferralStatus } from "../../lib/shared/vocabulary"
import { sdk } from "./sdk"

/* ------------------------------------------------------------------ */
/* Wire types: the contract of the plugin's referral admin routes.     */
/* ------------------------------------------------------------------ */

export { REFERRAL_STATUSES }
export type { ReferralStatus }

/** The referral program as the route sends it. */
export type ReferralProgram = ReferralProgramSettings

/** Body of `POST /admin/loyalty/referral-program`: any subset, never `version`. */
export type ReferralProgramUpdate = Partial<Omit<ReferralProgram, "version">>

export interface AdminReferralProgramResponse {
  program: ReferralProgram
  store_currencies: string[]
}

export type { ReferralFlag }

export interface ReferralParty {
  id: string
  email: string | null
  first_name: string | null
  last_name: string | null
  /** The customer was deleted. */
  deleted?: boolean
}

export interface AdminReferral {
  id: string
  code: string
  status: ReferralStatus
  flags: ReferralFlag[]
  order_id: string | null
  referrer: ReferralParty
  referee: ReferralParty
  referrer_points: number
  referee_points: number
  program_version: number
  claimed_at: string
  qualified_at: string | null
  rewarded_at: string | null
  decision: "approved" | "rejected" | null
  decided_by: string | null
  decided_at: string | null
  decision_note: string | null
}

export interface AdminReferralsResponse {
  referrals: AdminReferral[]
  count: number
  limit: number
  offset: number
}

export interface AdminReferralResponse {
  referral: AdminReferral
}

export interface AdminCustomerReferralsResponse {
  code: string | null
  referred_by: AdminReferral | null
  referrals: AdminReferral[]
  count: number
  summary: Record<ReferralStatus, { count: number; points: number }>
}

export interface ReferralListQuery {
  status?: ReferralStatus
  limit: number
  offset: number
}

/** The server validators' limits (the server stays the judge). */
export const REFERRAL_NOTE_MAX_LENGTH = Limits.reason_length
export const REFERRALS_PAGE_SIZE = 20

/* ------------------------------------------------------------------ */
/* Fetchers                                                            */
/* ------------------------------------------------------------------ */

const BASE = "/admin/loyalty"

export const referralsApi = {
  retrieveProgram: () =>
    sdk.client.fetch<AdminReferralProgramResponse>(`${BASE}/referral-program`),

  updateProgram: (body: ReferralProgramUpdate) =>
    sdk.client.fetch<AdminReferralProgramResponse>(`${BASE}/referral-program`, {
      method: "POST",
      body,
    }),

  list: (query: ReferralListQuery) =>
    sdk.client.fetch<AdminReferralsResponse>(`${BASE}/referrals`, {
      query: {
        limit: query.limit,
        offset: query.offset,
        ...(query.status ? { status: query.status } : {}),
      },
    }),

  retrieve: (id: string) =>
    sdk.client.fetch<AdminReferralResponse>(`${BASE}/referrals/${encodeURIComponent(id)}`),

  decide: (id: string, decision: "approve" | "reject", note: string) =>
    sdk.client.fetch<AdminReferralResponse>(
      `${BASE}/referrals/${encodeURIComponent(id)}/${decision}`,
      { method: "POST", body: { note } }
    ),

  retrieveCustomerReferrals: (customerId: string) =>
    sdk.client.fetch<AdminCustomerReferralsResponse>(
      `${BASE}/accounts/${encodeURIComponent(customerId)}/referrals`
    ),
}
