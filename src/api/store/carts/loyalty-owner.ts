import { MedusaNextFunction, MedusaResponse, MedusaStoreRequest } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { couponOwnerOnly } from "../../../lib/rewards/rules"
import { pointsModule } from "../../utils/views"
import { graphOne } from "../../../workflows/shared/graph-one"
import { enterCheckout } from "../../../workflows/redemption/checkout-actor"

/** The logged-in customer making the request, if any. */
const loggedInCustomer = (req: MedusaStoreRequest) =>
  req.auth_context?.actor_type === "customer" ? req.auth_context.actor_id ?? null : null

/** The promotion codes a cart request sends (`promo_codes`), strings only. */
const promoCodesOf = (body: unknown): string[] => {
  const codes = (body as { promo_codes?: unknown } | undefined)?.promo_codes
  return Array.isArray(codes) ? codes.filter((code): code is string => typeof code === "string") : []
}

/**
 * `POST /store/carts/:id/promotions`: a coupon bought with points goes only
 * on its owner's cart by its owner, logged in. Medusa checks the coupon's
 * `customer.id` rule against the cart's customer, and it attaches a guest
 * cart to a member's customer when the cart carries the member's email: so
 * without this check anyone knowing the code and the email could spend it.
 * Codes that would not apply anyway (another customer's cart) are left to
 * Medusa, which skips them.
 */
export async function refuseCouponsOfOthers(req: MedusaStoreRequest, _res: MedusaResponse, next: MedusaNextFunction) {
  const codes = promoCodesOf(req.body)
  if (!codes.length) return next()
  const coupons = await pointsModule(req.scope).listCoupons({ code: codes })
  if (!coupons.length) return next()
  const cart = await graphOne(req.scope, "cart", req.params.id, ["id", "customer_id"])
  const actor = loggedInCustomer(req)
  const taken = coupons.find((coupon) => cart?.customer_id === coupon.customer_id && actor !== coupon.customer_id)
  if (taken) {
    return next(new MedusaError(MedusaError.Types.NOT_ALLOWED, couponOwnerOnly(taken.code)))
  }
  next()
}

/**
 * `POST /store/carts` and `POST /store/carts/:id`: Medusa applies the
 * `promo_codes` these take too, after it has attached the cart to the
 * customer of the `email` in the same request. Whose cart it becomes is
 * decided there, so here a coupon bought with points is taken only from its
 * owner, logged in, whatever the cart.
 */
export async function refuseCouponsOnCartWrites(req: MedusaStoreRequest, _res: MedusaResponse, next: MedusaNextFunction) {
  const codes = promoCodesOf(req.body)
  if (!codes.length) return next()
  const actor = loggedInCustomer(req)
  const taken = (await pointsModule(req.scope).listCoupons({ code: codes })).find((coupon) => coupon.customer_id !== actor)
  next(taken ? new MedusaError(MedusaError.Types.NOT_ALLOWED, couponOwnerOnly(taken.code)) : undefined)
}

/**
 * `POST /store/carts/:id/complete`: a cart that spends loyalty value (points
 * applied, a coupon bought with points) completes only for its logged-in
 * owner. The complete-cart hook checks it (it has the cart) against the actor
 * this middleware records for the cart until the response closes
 * (`enterCheckout`), so a member's checkout costs no extra read here.
 */
export function recordCheckoutActor(req: MedusaStoreRequest, res: MedusaResponse, next: MedusaNextFunction) {
  const leave = enterCheckout(req.params.id, { customer_id: loggedInCustomer(req) })
  res.once("close", leave)
  next()
}
