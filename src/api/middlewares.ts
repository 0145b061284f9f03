import { defineMiddlewares } from "@medusajs/framework/http"
import { adminLoyaltyMiddlewares } from "./admin/loyalty/middlewares"
import { adminLoyaltyTierMiddlewares } from "./admin/loyalty/tiers/middlewares"
import { adminReferralMiddlewares } from "./admin/loyalty/referrals/middlewares"
import { storeCartLoyaltyMiddlewares } from "./store/carts/middlewares"
import { storeLoyaltyMiddlewares } from "./store/loyalty/middlewares"
import { storeReferralMiddlewares } from "./store/loyalty/referral/middlewares"

export default defineMiddlewares({
  routes: [
    ...adminLoyaltyMiddlewares,
    ...adminLoyaltyTierMiddlewares,
    ...adminReferralMiddlewares,
    ...storeLoyaltyMiddlewares,
    ...storeCartLoyaltyMiddlewares,
    ...storeReferralMiddlewares,
  ],
})
