import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { storeTierStatusView, tiersModule } from "../../../utils/tier-views"
import { accountView } from "../../../utils/views"

/**
 * The logged-in shopper's points (available, pending, debt, lifetime figures
 * and next expiry) and tier: the tier in effect, until when it is kept, the
 * activity that counts and what is missing for the next tier, by when.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const customerId = req.auth_context.actor_id
  const [{ customer_id: _, ...account }, status] = await Promise.all([
    accountView(req.scope, customerId),
    tiersModule(req.scope).customerStatus(customerId, new Date()),
  ])
  res.json({ account, tier: storeTierStatusView(status) })
}
