import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { couponOwnerOnly, couponUseProblem } from "../../../lib/rewards/rules"
import { pointsService } from "../../points/steps/resolve-service"
import { settleReleasedCoupons } from "../../rewards/settle-released-coupons"
import type { CheckoutActor } from "../checkout-actor"
import type { CheckoutRedemption } from "../checkout-cart"

export const holdCheckoutCouponsStepId = "loyalty-hold-checkout-coupons-step"

type CouponHold = { cart_id: string; coupon_ids: string[] }

/**
 * Let go of coupons a checkout held; a coupon the expiry pass closed while
 * this checkout held it is opened again with the release and settled now, as
 * the pass would have (or by the next pass, if this fails).
 */
async function releaseCoupons(container: MedusaContainer, hold: CouponHold) {
  const closed = await pointsService(container).releaseCouponClaims(hold.coupon_ids, hold.cart_id)
  if (closed.length) {
    await settleReleasedCoupons(container, closed, new Date())
  }
}

/**
 * Refuse the loyalty coupons on a completing cart that can no longer pay for
 * it, and hold the rest for this cart. Medusa does not re-check promotions at
 * completion, so a coupon that expired, was closed or was used since it was
 * put on the cart is refused here; an open one is held by this cart
 * (`claimCoupons`), which the expiry job respects: a coupon is used or
 * refunded, never both. Only the cart's owner may use them (`actor`: the
 * store route's caller, none for a completion from elsewhere).
 * Compensation: the coupons are let go.
 */
export const holdCheckoutCouponsStep = createStep(
  holdCheckoutCouponsStepId,
  async (input: { redemption: CheckoutRedemption; actor: CheckoutActor | null }, { container }) => {
    const { redemption, actor } = input
    const codes = redemption.promotion_codes
    if (!codes.length) return new StepResponse([] as string[], null)
    const service = pointsService(container)
    const coupons = await service.listCoupons({ code: codes })
    if (!coupons.length) return new StepResponse([] as string[], null)
    if (actor && actor.customer_id !== redemption.customer_id) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, couponOwnerOnly(coupons[0].code))
    }
    const promotionIds = coupons.map((coupon) => coupon.promotion_id).filter((id): id is string => !!id)
    const { data: promotions } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
      entity: "promotion",
      fields: ["id", "used", "limit"],
      filters: { id: promotionIds },
    })
    const byId = new Map(promotions.map((p) => [p.id, { used: p.used ?? 0, limit: p.limit ?? null }]))
    const now = new Date()
    for (const coupon of coupons) {
      const promotion = coupon.promotion_id ? byId.get(coupon.promotion_id) ?? null : null
      const problem = couponUseProblem(coupon, promotion, redemption.customer_id ?? null, now)
      if (problem) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, problem)
    }
    const hold: CouponHold = {
      cart_id: redemption.cart_id,
      coupon_ids: await service.claimCoupons(
        coupons.map((coupon) => coupon.id),
        redemption.cart_id,
        now
      ),
    }
    const missed = coupons.find((coupon) => !hold.coupon_ids.includes(coupon.id))
    if (missed) {
      // Closed by the expiry job or held by another checkout a moment ago.
      const [latest] = await service.listCoupons({ id: missed.id })
      // Medusa compensates a failed step without its output: let go of what was held here.
      await releaseCoupons(container, hold)
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        latest?.expired_at
          ? `Coupon ${missed.code} has expired: remove it from the cart`
          : `Coupon ${missed.code} is being used by another checkout`
      )
    }
    return new StepResponse(hold.coupon_ids, hold.coupon_ids.length ? hold : null)
  },
  async (hold, { container }) => {
    if (hold) await releaseCoupons(container, hold)
  }
)
