import { MiddlewareRoute, validateAndTransformBody, validateAndTransformQuery } from "@medusajs/framework/http"
import { AdminDecideReferral, AdminListReferralsQuery, AdminUpdateReferralProgram } from "./validators"

/** Admin referral routes; Medusa already requires an authenticated admin user on /admin. */
export const adminReferralMiddlewares: MiddlewareRoute[] = [
  {
    method: ["POST"],
    matcher: "/admin/loyalty/referral-program",
    middlewares: [validateAndTransformBody(AdminUpdateReferralProgram)],
  },
  {
    method: ["GET"],
    matcher: "/admin/loyalty/referrals",
    middlewares: [validateAndTransformQuery(AdminListReferralsQuery, {})],
  },
  {
    method: ["POST"],
    matcher: "/admin/loyalty/referrals/:id/approve",
    middlewares: [validateAndTransformBody(AdminDecideReferral)],
  },
  {
    method: ["POST"],
    matcher: "/admin/loyalty/referrals/:id/reject",
    middlewares: [validateAndTransformBody(AdminDecideReferral)],
  },
]
