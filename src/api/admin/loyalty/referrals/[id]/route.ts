import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { adminReferralView, referralParties, referralsModule } from "../../../../utils/referral-views"

/**
 * One referral as the list shows it (both customers, every flag's reason, the
 * decision), so the admin's Review drawer can be a route of its own that is
 * linked and reloaded; 404 for an id that names no referral. The path guard
 * (utils/request-guards) has already refused a malformed id with a 400.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const [referral] = await referralsModule(req.scope).listReferrals({ id: req.params.id }, { take: 1 })
  if (!referral) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Referral ${req.params.id} was not found`)
  res.json({ referral: adminReferralView(referral, await referralParties(req.scope, [referral])) })
}
