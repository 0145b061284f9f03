import { MiddlewareRoute, validateAndTransformBody, validateAndTransformQuery } from "@medusajs/framework/http"
import { EntriesPageQuery } from "../../utils/validators"
import { AdminCreateAdjustment, AdminCreateReward, AdminUpdateProgram, AdminUpdateReward } from "./validators"

/** Admin loyalty routes; Medusa already requires an authenticated admin user on /admin. */
export const adminLoyaltyMiddlewares: MiddlewareRoute[] = [
  {
    method: ["POST"],
    matcher: "/admin/loyalty/program",
    middlewares: [validateAndTransformBody(AdminUpdateProgram)],
  },
  {
    method: ["GET"],
    matcher: "/admin/loyalty/accounts/:customer_id",
    middlewares: [validateAndTransformQuery(EntriesPageQuery, {})],
  },
  {
    method: ["GET"],
    matcher: "/admin/loyalty/accounts/:customer_id/entries",
    middlewares: [validateAndTransformQuery(EntriesPageQuery, {})],
  },
  {
    method: ["POST"],
    matcher: "/admin/loyalty/accounts/:customer_id/adjustments",
    middlewares: [validateAndTransformBody(AdminCreateAdjustment)],
  },
  {
    method: ["POST"],
    matcher: "/admin/loyalty/rewards",
    middlewares: [validateAndTransformBody(AdminCreateReward)],
  },
  {
    method: ["POST"],
    matcher: "/admin/loyalty/rewards/:id",
    middlewares: [validateAndTransformBody(AdminUpdateReward)],
  },
]
