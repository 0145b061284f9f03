import { MiddlewareRoute } from "@medusajs/framework/http"
import { validatedBody, validatedQuery } from "../../../utils/middleware-routes"
import { AdminInsightCustomersQuery, AdminRecomputeInsights, AdminUpdateInsightSettings } from "./validators"

/** Admin insight routes; Medusa already requires an authenticated admin user on /admin. */
export const adminInsightsMiddlewares: MiddlewareRoute[] = [
  validatedBody("POST", "/admin/loyalty/insights/settings", AdminUpdateInsightSettings),
  validatedBody("POST", "/admin/loyalty/insights/recompute", AdminRecomputeInsights),
  validatedQuery("GET", "/admin/loyalty/insights/customers", AdminInsightCustomersQuery),
]
