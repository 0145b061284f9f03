import { MiddlewareRoute } from "@medusajs/framework/http"
import { validatedQuery } from "../../../utils/middleware-routes"
import { AdminLiabilityQuery } from "./validators"

/** The liability report; Medusa already requires an authenticated admin user on /admin. */
export const adminLiabilityMiddlewares: MiddlewareRoute[] = [
  validatedQuery("GET", "/admin/loyalty/liability", AdminLiabilityQuery),
]
