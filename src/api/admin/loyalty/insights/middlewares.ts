import { MiddlewareRoute, validateAndTransformBody, validateAndTransformQuery } from "@medusajs/framework/http"
import { AdminInsightCustomersQuery, AdminRecomputeInsights, AdminUpdateInsightSettings } from "./validators"

/** Admin insight routes; Medusa already requires an authenticated admin user on /admin. */
export const adminInsightsMiddlewares: MiddlewareRoute[] = [
  {
    method: ["POST"],
    matcher: "/admin/loyalty/insights/settings",
    middlewares: [validateAndTransformBody(AdminUpdateInsightSettings)],
  },
  {
    method: ["POST"],
    matcher: "/admin/loyalty/insights/recompute",
    middlewares: [validateAndTransformBody(AdminRecomputeInsights)],
  },
  {
    method: ["GET"],
    matcher: "/admin/loyalty/insights/customers",
    middlewares: [validateAndTransformQuery(AdminInsightCustomersQuery, {})],
  },
]
