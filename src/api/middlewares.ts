import { defineMiddlewares } from "@medusajs/framework/http"
import { adminInsightsMiddlewares } from "./admin/loyalty/insights/middlewares"
import { adminLoyaltyMiddlewares } from "./admin/loyalty/middlewares"
import { storeCartLoyaltyMiddlewares } from "./store/carts/middlewares"
import { storeFeedbackMiddlewares } from "./store/loyalty/feedback/middlewares"
import { storeLoyaltyMiddlewares } from "./store/loyalty/middlewares"

export default defineMiddlewares({
  routes: [
    ...adminLoyaltyMiddlewares,
    ...adminInsightsMiddlewares,
    ...storeLoyaltyMiddlewares,
    ...storeFeedbackMiddlewares,
    ...storeCartLoyaltyMiddlewares,
  ],
})
