import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { claimReferralWorkflow } from "../../../../../workflows/referrals"
import { referralParties, storeReferralView } from "../../../../utils/referral-views"
import { StoreClaimReferralType } from "../validators"

/**
 * The logged-in shopper claims a friend's code. Refusals are 400s: a reason
 * about the shopper (already ordered, already referred, too long after
 * sign-up) is said plainly; any problem with the code itself gets one answer.
 */
export async function POST(req: AuthenticatedMedusaRequest<StoreClaimReferralType>, res: MedusaResponse) {
  const { result: referral } = await claimReferralWorkflow(req.scope).run({
    input: { customer_id: req.auth_context.actor_id, code: req.validatedBody.code, now: new Date() },
  })
  const parties = await referralParties(req.scope, [referral])
  res.json({ referral: storeReferralView(referral, "referee", parties) })
}
