import type Medusa from "@medusajs/js-sdk"

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

export type LoyaltyEntryType = "earn" | "pending" | "release" | "redeem" | "reverse" | "expire" | "adjust" | "restore"

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
  actor_type: "customer" | "system" | "admin"
  order_id: string | null
  reference_type: string | null
  reference_id: string | null
  program_version: number | null
  currency_code: string | null
  release_at: string | null
  details: Record<string, unknown> | null
  created_at: string
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
}

export type StoreCartLoyalty = {
  currency_code: string
  points_to_earn: number
  earns: boolean
  earn_note: string | null
  earning: {
    items_net: number
    points_credit: number
    total_before_points: number
    total_after_points: number
    eligible_amount: number
    rate: number | null
    multiplier: number
    points: number
  }
  balance: number | null
  redeem: {
    point_value: number | null
    min_points: number
    step: number
    max_points: number
    max_value: number
    payable_base: number
    unavailable_reason: string | null
  } | null
  applied: { points: number; value: number; fits: boolean; problems: string[] }
}

export function createLoyaltyClient(sdk: Medusa) {
  const fetch = <T>(path: string, init?: { method?: string; body?: Record<string, unknown>; query?: Record<string, unknown> }) =>
    sdk.client.fetch<T>(path, init)

  return {
    /** The public rules: how each currency earns, the return window, expiry. */
    program: () => fetch<{ program: StoreLoyaltyProgram }>("/store/loyalty/program"),
    /** The logged-in shopper's balance, pending points, debt and next expiry. */
    account: () => fetch<{ account: StoreLoyaltyAccount }>("/store/loyalty/account"),
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
    /** Take the points off the cart. */
    removePoints: (cartId: string) =>
      fetch<{ cart: Record<string, unknown>; loyalty: StoreCartLoyalty }>(`/store/carts/${cartId}/loyalty/points`, {
        method: "DELETE",
      }),
  }
}

export type LoyaltyClient = ReturnType<typeof createLoyaltyClient>
