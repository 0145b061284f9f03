import {
  authenticate,
  MiddlewareRoute,
  validateAndTransformBody,
  validateAndTransformQuery,
} from "@medusajs/framework/http"
import { EntriesPageQuery } from "../../utils/validators"
import { MemberPreferences } from "./account/preferences/validators"
import { StoreReviewAction } from "./actions/review/validators"
import { StorePurchaseCoupon } from "./validators"

/**
 * Store loyalty routes. Medusa requires the publishable key on /store; the
 * account routes also require a logged-in customer and only ever read that
 * customer's own account.
 */
export const storeLoyaltyMiddlewares: MiddlewareRoute[] = [
  {
    matcher: "/store/loyalty/account*",
    middlewares: [authenticate("customer", ["session", "bearer"])],
  },
  {
    method: ["GET"],
    matcher: "/store/loyalty/account/entries",
    middlewares: [validateAndTransformQuery(EntriesPageQuery, {})],
  },
  {
    method: ["POST"],
    matcher: "/store/loyalty/account/preferences",
    middlewares: [validateAndTransformBody(MemberPreferences)],
  },
  {
    method: ["POST"],
    matcher: "/store/loyalty/actions/review",
    middlewares: [validateAndTransformBody(StoreReviewAction)],
  },
  {
    matcher: "/store/loyalty/me*",
    middlewares: [authenticate("customer", ["session", "bearer"])],
  },
  {
    matcher: "/store/loyalty/coupons*",
    middlewares: [authenticate("customer", ["session", "bearer"])],
  },
  {
    method: ["POST"],
    matcher: "/store/loyalty/coupons",
    middlewares: [validateAndTransformBody(StorePurchaseCoupon)],
  },
]
