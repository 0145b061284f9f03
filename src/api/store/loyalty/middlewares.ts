import { MiddlewareRoute } from "@medusajs/framework/http"
import { customerOnly, validatedBody, validatedQuery } from "../../utils/middleware-routes"
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
  customerOnly("/store/loyalty/account*"),
  validatedQuery("GET", "/store/loyalty/account/entries", EntriesPageQuery),
  validatedBody("POST", "/store/loyalty/account/preferences", MemberPreferences),
  validatedBody("POST", "/store/loyalty/actions/review", StoreReviewAction),
  customerOnly("/store/loyalty/me*"),
  customerOnly("/store/loyalty/coupons*"),
  validatedBody("POST", "/store/loyalty/coupons", StorePurchaseCoupon),
]
