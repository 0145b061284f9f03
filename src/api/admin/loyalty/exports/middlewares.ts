import { MiddlewareRoute } from "@medusajs/framework/http"
import { validatedQuery } from "../../../utils/middleware-routes"
import { AdminExportQuery } from "./validators"

/** CSV exports; Medusa already requires an authenticated admin user on /admin. */
export const adminExportMiddlewares: MiddlewareRoute[] = [validatedQuery("GET", "/admin/loyalty/exports/:kind", AdminExportQuery)]
