import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { adminReferralView, referralParties, referralsModule } from "../../../utils/referral-views"
import { AdminListReferralsQueryType } from "./validators"

/** Referrals newest first, by status and/or customer (either side), with both customers and every flag's reason. */
export async function GET(req: AuthenticatedMedusaRequest<unknown, AdminListReferralsQueryType>, res: MedusaResponse) {
  const { status, customer_id, limit, offset } = req.validatedQuery
  const { referrals, count } = await referralsModule(req.scope).listReferralRecords(
    { status: status ? [status] : undefined, customer_id },
    { limit, offset }
  )
  const parties = await referralParties(req.scope, referrals)
  res.json({ referrals: referrals.map((r) => adminReferralView(r, parties)), count, limit, offset })
}
