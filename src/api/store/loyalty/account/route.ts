import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { accountView } from "../../../utils/views"

/** The logged-in shopper's points: available, pending, debt, lifetime figures and next expiry. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const { customer_id: _, ...account } = await accountView(req.scope, req.auth_context.actor_id)
  res.json({ account })
}
