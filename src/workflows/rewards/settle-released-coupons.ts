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
async function usedPromotions(container: MedusaContainer, coupons: Pick<CouponRecord, "promotion_id">[]) {
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
const forfeitedCoupon = (coupon: Pick<CouponRecord, "code" | "customer_id">) =>
  `Loyalty: coupon ${coupon.code} expired unused and is not refunded: customer ${coupon.customer_id}'s points account is closed, its points were forfeited with it`

/**
 * Settle past-date coupons one by one, each in its own transaction
 * (`settleExpiredCoupon`, told whether Medusa counts its promotion used): the
 * one way both the expiry pass and a checkout that lets go of coupons the
 * pass closed settle them, so the two cannot drift apart. One that fails is
 * logged as `<doing> <code> failed: …` and left for the next pass; one
 * forfeited with its owner's account is logged. Returns how many were closed
 * and how many refunded.
 */
export async function settleExpiredCoupons(
  container: MedusaContainer,
  coupons: Pick<CouponRecord, "id" | "code" | "customer_id" | "promotion_id">[],
  now: Date,
  options: { unrecorded_expires_at: Date | null; doing: string }
): Promise<{ closed: number; refunded: number }> {
  const service = pointsService(container)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const used = await usedPromotions(container, coupons)
  let closed = 0
  let refunded = 0
  for (const coupon of coupons) {
    const settled = await attempt(container, `${options.doing} ${coupon.code}`, () =>
      service.settleExpiredCoupon(coupon.id, now, {
        promotion_unused: !!coupon.promotion_id && !used.has(coupon.promotion_id),
        unrecorded_expires_at: options.unrecorded_expires_at,
      })
    )
    if (!settled.ok) continue
    if (settled.value.closed) closed++
    if (settled.value.refunded) refunded++
    if (settled.value.forfeited) logger.info(forfeitedCoupon(coupon))
  }
  return { closed, refunded }
}

/**
 * Settle now the coupons the expiry pass closed while a checkout held them,
 * now that the checkout let go of them (`releaseCouponClaims` opened them
 * again): each is closed and, when its terms say so, refunded in one
 * transaction (`settleExpiredCoupon`, keyed `refund:coupon:<id>`, so the pass
 * and a checkout refund it once between them, with the expiries its points
 * had). One that fails stays open and past its date, so no checkout can claim
 * it and the next expiry pass settles it: no refund hangs on a second write
 * succeeding. One whose owner's account is closed is not refunded (forfeited
 * with it). Returns how many were refunded now.
 */
export async function settleReleasedCoupons(container: MedusaContainer, coupons: ClosedCoupon[], now: Date) {
  if (!coupons.length) return 0
  const unrecorded = await unrecordedExpiry(container, now)
  const { refunded } = await settleExpiredCoupons(container, coupons, now, {
    unrecorded_expires_at: unrecorded,
    doing: "Loyalty: settling released coupon",
  })
  return refunded
}
