import { sdk } from "./sdk"

/* ------------------------------------------------------------------ */
/* Wire types: the contract of the plugin's referral admin routes.     */
/* ------------------------------------------------------------------ */

export const REFERRAL_STATUSES = [
  "claimed",
  "qualified",
  "rewarded",
  "flagged",
  "rejected",
] as const

export type ReferralStatus = (typeof REFERRAL_STATUSES)[number]

export interface ReferralProgram {
  version: number
  enabled: boolean
  referrer_points: number
  referee_points: number
  /** Minimum first order per lower-case currency code, in major units. */
  min_order_amounts: Record<string, number>
  claim_window_days: number
  /** 0 = no cap. */
  monthly_cap: number
  storefront_url: string | null
  /** Take both rewards back when the friend's qualifying order is canceled or refunded in full. */
  take_back_rewards: boolean
}

/** Body of `POST /admin/loyalty/referral-program`: any subset, never `version`. */
export type ReferralProgramUpdate = Partial<Omit<ReferralProgram, "version">>

export interface AdminReferralProgramResponse {
  program: ReferralProgram
  store_currencies: string[]
}

export interface ReferralFlag {
  key: string
  rule:
    | "same_email"
    | "same_phone"
    | "same_address"
    | "velocity"
    | "order_canceled"
    | "order_refunded"
  message: string
  order_id: string | null
  detected_at: string
  cleared_at: string | null
}

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

/** Limits mirrored from the server's validators (the server stays the judge). */
export const REFERRAL_NOTE_MAX_LENGTH = 500
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
