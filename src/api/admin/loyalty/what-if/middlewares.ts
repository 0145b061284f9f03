import { MiddlewareRoute, validateAndTransformBody } from "@medusajs/framework/http"
import { AdminWhatIf } from "./validators"

/** The what-if route's body validation (Medusa already requires an admin on /admin). */
export const adminWhatIfMiddlewares: MiddlewareRoute[] = [
  { method: ["POST"], matcher: "/admin/loyalty/what-if", middlewares: [validateAndTransformBody(AdminWhatIf)] },
]
