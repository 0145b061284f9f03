import {
  AuthenticatedMedusaRequest,
  MedusaNextFunction,
  MedusaResponse,
  MiddlewareRoute,
  validateAndTransformBody,
} from "@medusajs/framework/http"
import { clientAddressKey } from "../../../../lib/referrals/rules"
import { customerOnly, validatedQuery } from "../../../utils/middleware-routes"
import { registerReferralClaimAttemptWorkflow } from "../../../../workflows/referrals"
import { StoreClaimReferral, StoreReferralQuery } from "./validators"

/**
 * The rate limit in front of `POST /store/loyalty/referral/claim`: attempts
 * per customer and per client address, counted in Postgres so the limit holds
 * across every server process. Over the limit the answer is 429 with
 * `Retry-After`, and the claim is not looked at.
 *
 * The address is `req.ip`: Medusa trusts one proxy hop (`trust proxy` 1), so
 * behind one load balancer it is the shopper's address.
 */
export async function limitReferralClaims(
  req: AuthenticatedMedusaRequest,
  res: MedusaResponse,
  next: MedusaNextFunction
) {
  try {
    const { result } = await registerReferralClaimAttemptWorkflow(req.scope).run({
      input: { customer_id: req.auth_context.actor_id, client_address: clientAddressKey(req.ip) },
    })
    if (!result.allowed) {
      const minutes = Math.ceil(result.retry_after_seconds / 60)
      res.setHeader("Retry-After", String(result.retry_after_seconds))
      res.status(429).json({
        type: "too_many_requests",
        message: `Too many attempts to use a referral code. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
      })
      return
    }
    next()
  } catch (error) {
    next(error)
  }
}

/** Store referral routes: a logged-in customer's own code and referrals only. */
export const storeReferralMiddlewares: MiddlewareRoute[] = [
  customerOnly("/store/loyalty/referral*"),
  validatedQuery("GET", "/store/loyalty/referral", StoreReferralQuery),
  {
    method: ["POST"],
    matcher: "/store/loyalty/referral/claim",
    middlewares: [validateAndTransformBody(StoreClaimReferral), limitReferralClaims],
  },
]
