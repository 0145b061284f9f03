import { MedusaNextFunction, MedusaRequest, MedusaResponse, MedusaStoreRequest } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { appliedPoints } from "../../../lib/points/redemption"
import { cartPromotionCodes, couponOwnerOnly } from "../../../lib/rewards/rules"
import { pointsModule } from "../../utils/views"
import { graphOne } from "../../../workflows/shared/graph-one"

/** The logged-in customer making the request, if any. */
const loggedInCustomer = (req: MedusaStoreRequest) =>
  req.auth_context?.actor_type === "customer" ? req.auth_context.actor_id ?? null : null

async function loadCart(req: MedusaRequest, fields: string[]) {
  return await graphOne(req.scope, "cart", req.params.id, fields)
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
  const body = (req.body ?? {}) as { promo_codes?: unknown }
  const codes = Array.isArray(body.promo_codes)
    ? body.promo_codes.filter((code): code is string => typeof code === "string")
    : []
  if (!codes.length) return next()
  const coupons = await pointsModule(req.scope).listCoupons({ code: codes })
  if (!coupons.length) return next()
  const cart = await loadCart(req, ["id", "customer_id"])
  const actor = loggedInCustomer(req)
  const taken = coupons.find((coupon) => cart?.customer_id === coupon.customer_id && actor !== coupon.customer_id)
  if (taken) {
    return next(new MedusaError(MedusaError.Types.NOT_ALLOWED, couponOwnerOnly(taken.code)))
  }
  next()
}

/**
 * `POST /store/carts/:id/complete`: a cart that spends loyalty value (points
 * applied, a coupon bought with points) completes only for its logged-in
 * owner. The completion hook checks the rules but cannot see who asks.
 */
export async function requireOwnerForLoyalty(req: MedusaStoreRequest, _res: MedusaResponse, next: MedusaNextFunction) {
  // The owner completing their own cart (every member's checkout) costs one
  // read of the cart's row; what the cart spends is read only for others.
  const owner = await loadCart(req, ["id", "customer_id", "completed_at"])
  if (!owner || owner.completed_at) return next()
  const actor = loggedInCustomer(req)
  if (actor && actor === owner.customer_id) return next()
  const cart = await loadCart(req, [
    "id",
    "credit_lines.*",
    "items.adjustments.code",
    "shipping_methods.adjustments.code",
  ])
  if (!cart) return next()
  const codes = cartPromotionCodes(cart)
  const [coupon] = codes.length ? await pointsModule(req.scope).listCoupons({ code: codes }) : []
  if (coupon) {
    return next(new MedusaError(MedusaError.Types.NOT_ALLOWED, couponOwnerOnly(coupon.code)))
  }
  if (appliedPoints({ credit_lines: (cart.credit_lines ?? []).filter((line) => !!line) }).points > 0) {
    return next(new MedusaError(MedusaError.Types.NOT_ALLOWED, "Points can only be used by the cart's owner, logged in"))
  }
  next()
}
