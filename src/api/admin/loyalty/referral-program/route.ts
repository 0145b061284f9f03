import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { updateReferralProgramWorkflow } from "../../../../workflows/referrals"
import { referralsModule } from "../../../utils/referral-views"
import { storeCurrencies } from "../../../utils/views"
import { AdminUpdateReferralProgramType } from "../referrals/validators"

/** The referral program in force, with the store's currencies for the minimum-order fields. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const [program, currencies] = await Promise.all([
    referralsModule(req.scope).getProgramSettings(),
    storeCurrencies(req.scope),
  ])
  res.json({ program, store_currencies: currencies })
}

/** Save changed settings as a new version; referrals already claimed keep theirs. */
export async function POST(req: AuthenticatedMedusaRequest<AdminUpdateReferralProgramType>, res: MedusaResponse) {
  const { result } = await updateReferralProgramWorkflow(req.scope).run({
    input: { changes: req.validatedBody, actor_id: req.auth_context.actor_id },
  })
  res.json({ program: result, store_currencies: await storeCurrencies(req.scope) })
}
