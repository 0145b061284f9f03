import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { cartLoyaltyView } from "../../../../utils/cart-preview"

/**
 * What this cart earns as it stands, what points may pay for it, and whether
 * the points already applied still fit. Storefronts call it after every cart
 * change.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json({ loyalty: await cartLoyaltyView(req.scope, req.params.id, req.auth_context?.actor_id ?? null) })
}
