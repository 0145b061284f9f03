import { MiddlewareRoute, validateAndTransformBody } from "@medusajs/framework/http"
import { AdminMemberPreferences } from "../../../store/loyalty/account/preferences/validators"
import { validatePathIds } from "../../../utils/request-guards"
import { AdminUpdateNotificationSettings } from "../notification-settings/validators"
import { AdminCreateAction, AdminCreateActionCompletion, AdminUpdateAction } from "./validators"

/** Actions that earn, their completions, how messages are sent, and a member's preferences as staff correct them. */
export const adminActionMiddlewares: MiddlewareRoute[] = [
  { matcher: "/admin/loyalty/actions/:id", middlewares: [validatePathIds] },
  { method: ["POST"], matcher: "/admin/loyalty/actions", middlewares: [validateAndTransformBody(AdminCreateAction)] },
  { method: ["POST"], matcher: "/admin/loyalty/actions/:id", middlewares: [validateAndTransformBody(AdminUpdateAction)] },
  {
    method: ["POST"],
    matcher: "/admin/loyalty/action-completions",
    middlewares: [validateAndTransformBody(AdminCreateActionCompletion)],
  },
  {
    method: ["POST"],
    matcher: "/admin/loyalty/notification-settings",
    middlewares: [validateAndTransformBody(AdminUpdateNotificationSettings)],
  },
  {
    method: ["POST"],
    matcher: "/admin/loyalty/accounts/:customer_id/preferences",
    middlewares: [validateAndTransformBody(AdminMemberPreferences)],
  },
]
