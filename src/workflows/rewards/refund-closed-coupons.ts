import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { expiryDate } from "../../lib/shared/dates"
import { CouponRecord } from "../../modules/loyalty-points/types"
import { pointsService } from "../points/steps/resolve-service"

export type ClosedCoupon = Pick<CouponRecord, "id" | "code" | "customer_id" | "reward_id" | "promotion_id" | "entry_id" | "points_spent" | "refund_on_expiry">

/**
 * Give back the points of closed coupons that were never used, when the
 * terms they were bought with say so (`refund_on_expiry`, kept on the coupon). Keyed by the coupon (`refund:coupon:<id>`), so the expiry
 * job and a checkout that lets go of a coupon closed meanwhile refund it once
 * between them. The points come back with the expiries they had
 * (`refundCoupon`). Returns how many were refunded now.
 */
export async function refundClosedCoupons(container: MedusaContainer, coupons: ClosedCoupon[], now: Date) {
  const candidates = coupons.filter((coupon) => coupon.entry_id && coupon.promotion_id)
  if (!candidates.length) return 0
  const service = pointsService(container)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: promotions } = await query.graph({
    entity: "promotion",
    fields: ["id", "used", "limit"],
    filters: { id: candidates.map((coupon) => coupon.promotion_id!) },
  })
  const used = new Set(promotions.filter((p) => (p.used ?? 0) >= (p.limit ?? 1)).map((p) => p.id))
  const rules = await service.getProgramRules()
  let refunded = 0
  for (const coupon of candidates) {
    if (used.has(coupon.promotion_id!) || !coupon.refund_on_expiry) continue
    const { result } = await service.refundCoupon(coupon, expiryDate(now, rules.expiry_months))
    if (result?.created) refunded++
  }
  return refunded
}
