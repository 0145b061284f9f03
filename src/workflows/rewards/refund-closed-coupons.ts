import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { expiryDate } from "../../lib/shared/dates"
import { attempt } from "../../lib/shared/pages"
import { CouponRecord } from "../../modules/loyalty-points/types"
import { pointsService } from "../points/steps/resolve-service"

export type ClosedCoupon = Pick<
  CouponRecord,
  "id" | "code" | "customer_id" | "reward_id" | "promotion_id" | "entry_id" | "points_spent" | "refund_on_expiry"
>

/** The promotions (of these coupons) Medusa counts as used up: their coupon was spent, never refunded. */
export async function usedPromotions(container: MedusaContainer, coupons: Pick<CouponRecord, "promotion_id">[]) {
  const ids = coupons.map((coupon) => coupon.promotion_id).filter((id): id is string => !!id)
  if (!ids.length) return new Set<string>()
  const { data: promotions } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
    entity: "promotion",
    fields: ["id", "used", "limit"],
    filters: { id: ids },
  })
  return new Set(promotions.filter((p) => (p.used ?? 0) >= (p.limit ?? 1)).map((p) => p.id))
}

/** Where points whose debit recorded no lots go back to: the program's expiry from `now`. */
export async function unrecordedExpiry(container: MedusaContainer, now: Date) {
  return expiryDate(now, (await pointsService(container).getProgramRules()).expiry_months)
}

/** What a log line about a forfeited coupon says. */
export const forfeitedCoupon = (coupon: Pick<CouponRecord, "code" | "customer_id">) =>
  `Loyalty: coupon ${coupon.code} expired unused and is not refunded: customer ${coupon.customer_id}'s points account is closed, its points were forfeited with it`

/**
 * Give back the points of coupons the expiry job closed while a checkout
 * held them, now that the checkout let go of them, when the terms they were
 * bought with say so (`refund_on_expiry`, kept on the coupon). Keyed by the
 * coupon (`refund:coupon:<id>`), so the job and a checkout refund it once
 * between them; the points come back with the expiries they had
 * (`refundCoupon`). Each coupon on its own: a refund that fails is logged
 * and its coupon opened again, so the next expiry pass refunds it; one
 * whose owner's account is closed is not refunded (forfeited with it).
 * Returns how many were refunded now.
 */
export async function refundClosedCoupons(container: MedusaContainer, coupons: ClosedCoupon[], now: Date) {
  const candidates = coupons.filter((coupon) => coupon.entry_id && coupon.promotion_id && coupon.refund_on_expiry)
  if (!candidates.length) return 0
  const service = pointsService(container)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const used = await usedPromotions(container, candidates)
  const unrecorded = await unrecordedExpiry(container, now)
  let refunded = 0
  for (const coupon of candidates) {
    if (used.has(coupon.promotion_id!)) continue
    const done = await attempt(container, `Loyalty: refunding coupon ${coupon.code}`, () => service.refundCoupon(coupon, { unrecorded_expires_at: unrecorded }))
    if (!done.ok) {
      await service.reopenCoupon(coupon.id)
      continue
    }
    if (done.value.forfeited) logger.info(forfeitedCoupon(coupon))
    if (done.value.result?.created) refunded++
  }
  return refunded
}
