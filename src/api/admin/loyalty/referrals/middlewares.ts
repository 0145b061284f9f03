import { MiddlewareRoute } from "@medusajs/framework/http"
import { validatedBody, validatedQuery } from "../../../utils/middleware-routes"
import { AdminDecideReferral, AdminListReferralsQuery, AdminUpdateReferralProgram } from "./validators"

/** Admin referral routes; Medusa already requires an authenticated admin user on /admin. */
export const adminReferralMiddlewares: MiddlewareRoute[] = [
  validatedBody("POST", "/admin/loyalty/referral-program", AdminUpdateReferralProgram),
  validatedQuery("GET", "/admin/loyalty/referrals", AdminListReferralsQuery),
  validatedBody("POST", "/admin/loyalty/referrals/:id/approve", AdminDecideReferral),
  validatedBody("POST", "/admin/loyalty/referrals/:id/reject", AdminDecideReferral),
]
