import { authenticate, MiddlewareRoute, validateAndTransformBody } from "@medusajs/framework/http"
import { refuseCouponsOfOthers, refuseCouponsOnCartWrites, recordCheckoutActor } from "./loyalty-owner"
import { StoreApplyCartPoints } from "./validators"

/**
 * Cart loyalty routes. The preview answers anyone holding the cart id (a
 * guest sees what the cart would earn with an account); applying points needs
 * the logged-in owner of the cart. On Medusa's own cart routes, a coupon
 * bought with points (on the promotions route, and in the `promo_codes` that
 * creating or updating a cart takes) and a cart that spends points are for
 * the logged-in owner only (Medusa attaches a guest cart to a member by email).
 */
export const storeCartLoyaltyMiddlewares: MiddlewareRoute[] = [
  {
    method: ["GET"],
    matcher: "/store/carts/:id/loyalty",
    middlewares: [authenticate("customer", ["session", "bearer"], { allowUnauthenticated: true })],
  },
  {
    method: ["POST", "DELETE"],
    matcher: "/store/carts/:id/loyalty/points",
    middlewares: [authenticate("customer", ["session", "bearer"])],
  },
  {
    method: ["POST"],
    matcher: "/store/carts/:id/loyalty/points",
    middlewares: [validateAndTransformBody(StoreApplyCartPoints)],
  },
  {
    method: ["POST"],
    matcher: "/store/carts/:id/promotions",
    middlewares: [refuseCouponsOfOthers],
  },
  {
    method: ["POST"],
    matcher: "/store/carts",
    middlewares: [refuseCouponsOnCartWrites],
  },
  {
    method: ["POST"],
    matcher: "/store/carts/:id",
    middlewares: [refuseCouponsOnCartWrites],
  },
  {
    method: ["POST"],
    matcher: "/store/carts/:id/complete",
    middlewares: [recordCheckoutActor],
  },
]
