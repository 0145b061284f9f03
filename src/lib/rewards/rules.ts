import { randomInt } from "crypto"
import type { RewardKind } from "../shared/vocabulary"

export type { RewardKind }

export type RewardRules = {
  kind: RewardKind
  /** Money off per currency (JSON from the database, hence unknown values). */
  amounts: Record<string, unknown> | null
  percentage: number | null
  starts_at: Date | string | null
  ends_at: Date | string | null
  is_active: boolean
}

/** Why a reward cannot be bought now (null when it can). */
export function rewardUnavailableReason(reward: RewardRules, now: Date): string | null {
  if (!reward.is_active) return "This reward is no longer offered"
  if (reward.starts_at && new Date(reward.starts_at) > now) return "This reward is not available yet"
  if (reward.ends_at && new Date(reward.ends_at) <= now) return "This reward is no longer available"
  return null
}

/** The currency a fixed-amount coupon is issued in: the one asked for, or the reward's only one. */
export function couponCurrency(reward: RewardRules, requested: string | null | undefined): string | null {
  if (reward.kind !== "fixed_amount") return null
  const currencies = Object.keys(reward.amounts ?? {})
  const wanted = requested?.toLowerCase() ?? (currencies.length === 1 ? currencies[0] : null)
  if (!wanted) {
    throw new Error(`Choose a currency for this reward: ${currencies.join(", ")}`)
  }
  if (!currencies.includes(wanted)) {
    throw new Error(`This reward is not offered in ${wanted.toUpperCase()}`)
  }
  return wanted
}

/**
 * The promotion's application method for a reward: only what Medusa
 * promotions can enforce (a fixed amount needs its currency; a percentage has
 * no money cap; free shipping is 100 % off shipping methods).
 */
export function couponApplicationMethod(reward: RewardRules, currency: string | null) {
  switch (reward.kind) {
    case "fixed_amount":
      return {
        type: "fixed" as const,
        target_type: "order" as const,
        allocation: "across" as const,
        value: Number(reward.amounts![currency!]),
        currency_code: currency!,
      }
    case "percentage":
      return { type: "percentage" as const, target_type: "items" as const, allocation: "across" as const, value: reward.percentage! }
    case "free_shipping":
      // "across", as Medusa admin's own free-shipping template: "each" needs a max_quantity, and Medusa refuses the promotion without one.
      return { type: "percentage" as const, target_type: "shipping_methods" as const, allocation: "across" as const, value: 100 }
  }
}

/** No 0/O, 1/I/L: codes are read aloud and typed by hand. */
const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

/**
 * A coupon code like `PTS-7K3M-Q9XW-2HDR`: 12 characters, each its own
 * CSPRNG draw (31^12 ≈ 7.9e17 codes), so codes cannot be guessed from one
 * another. Uniqueness is still enforced by a unique index.
 */
export function generateCouponCode(prefix = "PTS"): string {
  const chars = Array.from({ length: 12 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)])
  return [prefix, chars.slice(0, 4).join(""), chars.slice(4, 8).join(""), chars.slice(8).join("")].join("-")
}

export type CouponStatus = "active" | "used" | "expired"

/** A coupon's status as the shopper sees it. */
export function couponStatus(
  coupon: { expires_at: Date | string; expired_at: Date | string | null },
  promotion: { used: number | null; limit: number | null } | null,
  now: Date
): CouponStatus {
  if (promotion && promotion.limit !== null && (promotion.used ?? 0) >= promotion.limit) return "used"
  if (coupon.expired_at || new Date(coupon.expires_at) <= now) return "expired"
  return "active"
}

/** The codes of the promotions that actually discount a cart (its items' and shipping's adjustments). */
export function cartPromotionCodes(cart: {
  items?: ({ adjustments?: ({ code?: string | null } | null)[] | null } | null)[] | null
  shipping_methods?: ({ adjustments?: ({ code?: string | null } | null)[] | null } | null)[] | null
}): string[] {
  const codes = [...(cart.items ?? []), ...(cart.shipping_methods ?? [])].flatMap((line) =>
    (line?.adjustments ?? []).map((adjustment) => adjustment?.code)
  )
  return [...new Set(codes.filter((code): code is string => !!code))]
}

export const couponOwnerOnly = (code: string) => `Coupon ${code} can only be used by its owner, logged in`

/**
 * Why a coupon bought with points cannot pay for a cart at checkout (null
 * when it can): Medusa does not re-check promotions when a cart completes, so
 * a coupon that expired, was closed or used after it was put on the cart
 * would still discount it. The messages are written for the shopper.
 */
export function couponUseProblem(
  coupon: { code: string; customer_id: string; expires_at: Date | string; expired_at: Date | string | null },
  promotion: { used: number | null; limit: number | null } | null,
  cartCustomerId: string | null,
  now: Date
): string | null {
  const status = couponStatus(coupon, promotion, now)
  if (status === "used") return `Coupon ${coupon.code} has already been used: remove it from the cart`
  if (status === "expired") return `Coupon ${coupon.code} has expired: remove it from the cart`
  if (cartCustomerId !== coupon.customer_id) return couponOwnerOnly(coupon.code)
  return null
}

export type RewardShape = {
  kind?: RewardKind
  amounts?: Record<string, number> | null
  percentage?: number | null
  starts_at?: Date | string | null
  ends_at?: Date | string | null
}

/** What is wrong with a reward for Medusa promotions to enforce it; empty when fine. */
export function rewardProblems(reward: RewardShape): string[] {
  const problems: string[] = []
  if (reward.kind === "fixed_amount") {
    const entries = Object.entries(reward.amounts ?? {})
    if (!entries.length) problems.push("amounts: a fixed-amount reward needs an amount per currency, e.g. { eur: 5 }")
    for (const [code, amount] of entries) {
      if (!/^[a-zA-Z]{3}$/.test(code)) problems.push(`amounts: "${code}" is not a 3-letter currency code such as eur`)
      else if (!(amount > 0)) problems.push(`amounts.${code} must be greater than 0`)
    }
  }
  if (reward.kind === "percentage" && !(reward.percentage && reward.percentage > 0 && reward.percentage <= 100)) {
    problems.push("percentage must be between 0 and 100 for a percentage reward")
  }
  if (reward.kind && reward.kind !== "fixed_amount" && reward.amounts && Object.keys(reward.amounts).length) {
    problems.push(`amounts only apply to fixed-amount rewards, not ${reward.kind}`)
  }
  if (reward.kind && reward.kind !== "percentage" && reward.percentage) {
    problems.push(`percentage only applies to percentage rewards, not ${reward.kind}`)
  }
  if (reward.starts_at && reward.ends_at && new Date(reward.ends_at) <= new Date(reward.starts_at)) {
    problems.push("ends_at must be after starts_at")
  }
  return problems
}
