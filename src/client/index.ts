import type Medusa from "@medusajs/js-sdk"
import type { EarningBreakdown } from "../lib/points/earning"
import type { RedemptionLimits } from "../lib/points/redemption"
import type { ActorType, EntryType } from "../lib/shared/vocabulary"
import type { TierWindow } from "../lib/tiers/rules"

/**
 * A typed client for the plugin's store routes, for storefronts. It depends
 * on `@medusajs/js-sdk` only (import it from `medusa-plugin-loyalty-points/client`):
 *
 * ```ts
 * const sdk = new Medusa({ baseUrl, publishableKey, auth: { type: "session" } })
 * const loyalty = createLoyaltyClient(sdk)
 * const { account } = await loyalty.account()
 * ```
 */

export type LoyaltyEntryType = EntryType

/** A member's own settings: birthday ("MM-DD", set once) and whether they get loyalty messages. */
export type StoreMemberPreferences = {
  birthday: string | null
  birthday_set_at: string | null
  notifications: boolean
}

export type StoreLoyaltyAccount = {
  balance: number
  pending: number
  debt: number
  lifetime_earned: number
  lifetime_redeemed: number
  next_expiry: { expires_at: string; points: number } | null
}

export type StoreLoyaltyEntry = {
  id: string
  type: LoyaltyEntryType
  points: number
  balance_change: number
  pending_change: number
  reason: string
  actor_type: ActorType
  order_id: string | null
  reference_type: string | null
  reference_id: string | null
  program_version: number | null
  currency_code: string | null
  release_at: string | null
  details: Record<string, unknown> | null
  created_at: string
}

export type StoreLoyaltyTier = {
  id: string
  name: string
  /** 1 = the lowest tier. */
  rank: number
  metric: "points" | "spend" | "orders"
  /** Points or orders to reach; null for a spend tier. */
  threshold: number | null
  /** Money to reach per currency (spend tiers). */
  spend_thresholds: Record<string, number> | null
  earn_multiplier: number
  perks: string | null
  bonus_points: number
}

export type StoreLoyaltyTierStatus = {
  /** The tier in effect (null = none). */
  current: StoreLoyaltyTier | null
  /** Kept until then (null = no end date). */
  kept_until: string | null
  /** When the tier is reviewed (after the grace days). */
  review_at: string | null
  qualified_at: string | null
  /** Set by staff rather than reached. */
  overridden: boolean
  /** The activity that counts in the current window. */
  qualification: {
    window: TierWindow
    window_months: number
    grace_days: number
    start: string | null
    end: string
    points: number
    orders: number
    spend: Record<string, number>
  }
  /** What is missing for the next tier, by when; null at the top. */
  next: {
    tier: { id: string; name: string; rank: number; metric: StoreLoyaltyTier["metric"] }
    metric: StoreLoyaltyTier["metric"]
    currency_code: string | null
    current: number
    target: number
    missing: number
    by: string | null
  } | null
}

export type StoreLoyaltyProgram = {
  version: number
  pending_days: number
  expiry_months: number
  signup_bonus: number
  min_redeem_points: number
  redeem_step: number
  max_redeem_share: number
  shipping_redeemable: boolean
  currencies: {
    currency_code: string
    earn_rate: number | null
    point_value: number | null
    earns: boolean
    description: string
  }[]
  tiers: StoreLoyaltyTier[]
  tier_qualification: {
    window: TierWindow
    window_months: number
    grace_days: number
    description: string
  }
}

export type StoreCartLoyalty = {
  currency_code: string
  points_to_earn: number
  earns: boolean
  earn_note: string | null
  earning: EarningBreakdown
  /** The live campaigns that add points to this cart now (included in `points_to_earn`; before budgets and caps). */
  campaigns: {
    campaign_id: string
    name: string
    type: "multiplier" | "order_bonus" | "amount_bonus"
    value: number
    points: number
  }[]
  balance: number | null
  redeem: RedemptionLimits | null
  applied: { points: number; value: number; fits: boolean; problems: string[] }
  /** The owner's tier in effect, whose multiplier `earning.multiplier` shows. */
  tier: { id: string; name: string; earn_multiplier: number } | null
}

/** A referral as a shopper sees it; one held for review reads "in_review", without the reasons. */
export type StoreReferral = {
  id: string
  status: "claimed" | "qualified" | "rewarded" | "in_review" | "rejected" | "forfeited"
  /** The other side, by first name and initial ("Alice S.") or "A friend". */
  friend: string
  /** What this shopper gets from this referral. */
  points: number
  claimed_at: string
  qualified_at: string | null
  rewarded_at: string | null
}

export type StoreReferralOverview = {
  referral_program: {
    enabled: boolean
    referrer_points: number
    referee_points: number
    min_order_amounts: Record<string, number>
    claim_window_days: number
  }
  /** The shopper's code ("7KQ4M-XC9TR"); null while the program is off. */
  code: string | null
  share_url: string | null
  referred_by: StoreReferral | null
  referrals: StoreReferral[]
  count: number
  limit: number
  offset: number
  rewards: { earned_points: number; pending_points: number }
}

export function createLoyaltyClient(sdk: Medusa) {
  const fetch = <T>(path: string, init?: { method?: string; body?: Record<string, unknown>; query?: Record<string, unknown> }) =>
    sdk.client.fetch<T>(path, init)

  return {
    /** The public rules: how each currency earns, the return window, expiry, the tiers and their perks. */
    program: () => fetch<{ program: StoreLoyaltyProgram }>("/store/loyalty/program"),
    /** The logged-in shopper's balance, pending points, debt, next expiry, and tier with progress. */
    account: () => fetch<{ account: StoreLoyaltyAccount; tier: StoreLoyaltyTierStatus }>("/store/loyalty/account"),
    /** The shopper's ledger, newest first. */
    entries: (page: { limit?: number; offset?: number } = {}) =>
      fetch<{ entries: StoreLoyaltyEntry[]; has_more: boolean; limit: number; offset: number }>(
        "/store/loyalty/account/entries",
        { query: page }
      ),
    /** What a cart earns, what points may pay, and whether applied points still fit. */
    cart: (cartId: string) => fetch<{ loyalty: StoreCartLoyalty }>(`/store/carts/${cartId}/loyalty`),
    /** Pay part of the cart with points (before creating the payment session). */
    applyPoints: (cartId: string, points: number) =>
      fetch<{ cart: Record<string, unknown>; loyalty: StoreCartLoyalty }>(`/store/carts/${cartId}/loyalty/points`, {
        method: "POST",
        body: { points },
      }),
    /** The shopper's referral code, share link, who referred them and whom they referred. */
    referral: (page: { limit?: number; offset?: number } = {}) =>
      fetch<StoreReferralOverview>("/store/loyalty/referral", { query: page }),
    /**
     * Claim a friend's code (a new account, before its first order). Refusals
     * are 400s with a message to show; too many attempts is a 429.
     */
    claimReferral: (code: string) =>
      fetch<{ referral: StoreReferral }>("/store/loyalty/referral/claim", { method: "POST", body: { code } }),
    /** The shopper's birthday and whether they get loyalty messages. */
    preferences: () => fetch<{ preferences: StoreMemberPreferences }>("/store/loyalty/account/preferences"),
    /**
     * Set the birthday ("MM-DD" or "YYYY-MM-DD"; once: another day later is a
     * 400 whose message says to ask the store) or switch messages on or off.
     */
    updatePreferences: (changes: { birthday?: string; notifications?: boolean }) =>
      fetch<{ preferences: StoreMemberPreferences }>("/store/loyalty/account/preferences", { method: "POST", body: changes }),
    /** Take the points off the cart. */
    removePoints: (cartId: string) =>
      fetch<{ cart: Record<string, unknown>; loyalty: StoreCartLoyalty }>(`/store/carts/${cartId}/loyalty/points`, {
        method: "DELETE",
      }),
  }
}

export type LoyaltyClient = ReturnType<typeof createLoyaltyClient>
