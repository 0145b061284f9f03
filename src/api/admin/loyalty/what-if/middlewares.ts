import { MiddlewareRoute } from "@medusajs/framework/http"
import { validatedBody } from "../../../utils/middleware-routes"
import { AdminWhatIf } from "./validators"

/** The what-if route's body validation (Medusa already requires an admin on /admin). */
export const adminWhatIfMiddlewares: MiddlewareRoute[] = [validatedBody("POST", "/admin/loyalty/what-if", AdminWhatIf)]
