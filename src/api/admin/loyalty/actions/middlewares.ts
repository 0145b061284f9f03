import { MiddlewareRoute } from "@medusajs/framework/http"
import { AdminMemberPreferences } from "../../../store/loyalty/account/preferences/validators"
import { resourceRoutes, validatedBody } from "../../../utils/middleware-routes"
import { AdminUpdateNotificationSettings } from "../notification-settings/validators"
import { AdminCreateAction, AdminCreateActionCompletion, AdminUpdateAction } from "./validators"

/** Actions that earn, their completions, how messages are sent, and a member's preferences as staff correct them. */
export const adminActionMiddlewares: MiddlewareRoute[] = [
  ...resourceRoutes("/admin/loyalty/actions", { create: AdminCreateAction, update: AdminUpdateAction }),
  validatedBody("POST", "/admin/loyalty/action-completions", AdminCreateActionCompletion),
  validatedBody("POST", "/admin/loyalty/notification-settings", AdminUpdateNotificationSettings),
  validatedBody("POST", "/admin/loyalty/accounts/:customer_id/preferences", AdminMemberPreferences),
]
