import type { ReferralFlag, ReferralProgramSettings, summarizeByStatus } from "../../lib/referrals/rules"
import type { adminReferralView, ReferralParty } from "../../api/utils/referral-views"
import { Limits, REFERRAL_STATUSES, type ReferralStatus } from "../../lib/shared/vocabulary"
import { sdk } from "./sdk"
import type { Wire } from "./wire"

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

export type { ReferralParty }

/** A referral as staff see it, as `adminReferralView` builds it for every referral route. */
export type AdminReferral = Wire<ReturnType<typeof adminReferralView>>

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
  summary: ReturnType<typeof summarizeByStatus>
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
