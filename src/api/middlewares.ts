import { defineMiddlewares } from "@medusajs/framework/http"
import { adminLoyaltyMiddlewares } from "./admin/loyalty/middlewares"
import { storeCartLoyaltyMiddlewares } from "./store/carts/middlewares"
import { storeLoyaltyMiddlewares } from "./store/loyalty/middlewares"

export default defineMiddlewares({
  routes: [...adminLoyaltyMiddlewares, ...storeLoyaltyMiddlewares, ...storeCartLoyaltyMiddlewares],
})
