import { MiddlewareRoute } from "@medusajs/framework/http"
import { resourceRoutes, validatedBody, validatedQuery } from "../../utils/middleware-routes"
import { EntriesPageQuery } from "../../utils/validators"
import { AdminCreateAdjustment, AdminCreateReward, AdminUpdateProgram, AdminUpdateReward } from "./validators"

/** Admin loyalty routes; Medusa already requires an authenticated admin user on /admin. */
export const adminLoyaltyMiddlewares: MiddlewareRoute[] = [
  validatedBody("POST", "/admin/loyalty/program", AdminUpdateProgram),
  validatedQuery("GET", "/admin/loyalty/accounts/:customer_id", EntriesPageQuery),
  validatedQuery("GET", "/admin/loyalty/accounts/:customer_id/entries", EntriesPageQuery),
  validatedBody("POST", "/admin/loyalty/accounts/:customer_id/adjustments", AdminCreateAdjustment),
  ...resourceRoutes("/admin/loyalty/rewards", { create: AdminCreateReward, update: AdminUpdateReward }),
]
