import { defineMiddlewares } from "@medusajs/framework/http"
import { adminLoyaltyMiddlewares } from "./admin/loyalty/middlewares"
import { adminLoyaltyTierMiddlewares } from "./admin/loyalty/tiers/middlewares"
import { storeCartLoyaltyMiddlewares } from "./store/carts/middlewares"
import { storeLoyaltyMiddlewares } from "./store/loyalty/middlewares"

export default defineMiddlewares({
  routes: [
    ...adminLoyaltyMiddlewares,
    ...adminLoyaltyTierMiddlewares,
    ...storeLoyaltyMiddlewares,
    ...storeCartLoyaltyMiddlewares,
  ],
})
