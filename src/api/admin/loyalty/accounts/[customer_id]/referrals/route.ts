import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { adminReferralView, referralParties, referralsModule } from "../../../../../utils/referral-views"

/** How many referrals a customer's page shows; the referrals list has them all. */
const SHOWN = 50

/**
 * A customer's referrals both ways, for the customer page: their code (if
 * they ever asked for one), who referred them, and whom they referred.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const customerId = req.params.customer_id
  const service = referralsModule(req.scope)
  const [codes, [referredBy], made, summary] = await Promise.all([
    service.listReferralCodes({ customer_id: customerId }, { take: 1 }),
    service.listReferrals({ referee_id: customerId }, { take: 1 }),
    service.listReferralRecords({ referrer_id: customerId }, { limit: SHOWN, offset: 0 }),
    service.summarizeReferrer(customerId),
  ])
  const parties = await referralParties(req.scope, [...made.referrals, ...(referredBy ? [referredBy] : [])])
  res.json({
    code: codes[0]?.code ?? null,
    referred_by: referredBy ? adminReferralView(referredBy, parties) : null,
    referrals: made.referrals.map((r) => adminReferralView(r, parties)),
    count: made.count,
    summary,
  })
}
