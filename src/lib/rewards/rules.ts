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

export type CouponStatus = "active" | "used" | "expired" | "pending"

/**
 * A coupon's status as the shopper sees it. `pending`: its purchase has not
 * tied it to its Medusa promotion yet (still running, or died part-way and
 * waiting for the expiry pass to finish or refund it); its code does nothing.
 */
export function couponStatus(
  coupon: { expires_at: Date | string; expired_at: Date | string | null; promotion_id?: string | null },
  promotion: { used: number | null; limit: number | null } | null,
  now: Date
): CouponStatus {
  if (promotion && promotion.limit !== null && (promotion.used ?? 0) >= promotion.limit) return "used"
  if (coupon.expired_at || new Date(coupon.expires_at) <= now) return "expired"
  if (coupon.promotion_id === null) return "pending"
  return "active"
}

/**
 * How long a coupon purchase may stay unfinished (no promotion tied to it)
 * before the expiry pass settles it: far longer than a purchase takes (under
 * a second), so the pass never races one still running.
 */
export const UNFINISHED_COUPON_MINUTES = 15

/** Coupons created at or before this, still without a promotion, are purchases that died part-way. */
export function unfinishedCouponCutoff(now: Date): Date {
  return new Date(now.getTime() - UNFINISHED_COUPON_MINUTES * 60_000)
}

/**
 * What the expiry pass does with a purchase that died part-way, from what it
 * reached: paid (a live debit) and promoted (Medusa's promotion exists under
 * the coupon's code) → `finish` (tie them: the shopper gets what they paid
 * for); paid only → `refund` (give the points back and drop the coupon);
 * promoted only → `remove_promotion` first (a code nobody paid for), then
 * `drop`; neither → `drop`.
 */
export type UnfinishedCouponOutcome = "finish" | "refund" | "remove_promotion" | "drop"

export function unfinishedCouponOutcome(reached: { debited: boolean; promoted: boolean }): UnfinishedCouponOutcome {
  if (reached.debited) return reached.promoted ? "finish" : "refund"
  return reached.promoted ? "remove_promotion" : "drop"
}

/** The lock one purchase request holds (Medusa's Locking Module), so a replay of its key waits for it and answers its coupon. */
export const couponPurchaseLockKey = (customerId: string, requestKey: string) => `loyalty:coupon-purchase:${customerId}:${requestKey}`

/**
 * Why a purchase request cannot be answered with the coupon already written
 * under its idempotency key (null when it can): `mismatch`, the key was sent
 * for another reward or currency; `settled`, that purchase died and was
 * settled (`deleted_at`: its points given back); `running`, it has not
 * finished yet (no promotion), so the same request may be sent again. A key
 * whose first attempt failed and was rolled back has no coupon: its retry buys.
 */
export type CouponReplayProblem = { reason: "mismatch" | "settled" | "running"; message: string }

export function couponReplayProblem(
  existing: { reward_id: string; currency_code: string | null; promotion_id: string | null; deleted_at?: Date | string | null },
  request: { reward_id: string; currency_code: string | null }
): CouponReplayProblem | null {
  if (existing.reward_id !== request.reward_id || (existing.currency_code ?? null) !== (request.currency_code ?? null)) {
    return {
      reason: "mismatch",
      message: "This Idempotency-Key was already used to buy another reward: send a new key for a new purchase",
    }
  }
  if (existing.deleted_at) {
    return {
      reason: "settled",
      message: "The purchase sent with this Idempotency-Key did not complete and its points were given back: send a new key to buy again",
    }
  }
  if (existing.promotion_id === null) {
    return { reason: "running", message: "The purchase sent with this Idempotency-Key is still being processed: try again in a moment" }
  }
  return null
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
  coupon: { code: string; customer_id: string; expires_at: Date | string; expired_at: Date | string | null; promotion_id?: string | null },
  promotion: { used: number | null; limit: number | null } | null,
  cartCustomerId: string | null,
  now: Date
): string | null {
  const status = couponStatus(coupon, promotion, now)
  if (status === "used") return `Coupon ${coupon.code} has already been used: remove it from the cart`
  if (status === "expired") return `Coupon ${coupon.code} has expired: remove it from the cart`
  if (status === "pending") return `Coupon ${coupon.code} is not ready yet: try again in a moment`
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
