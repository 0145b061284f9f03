import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { tiersModule } from "../../../utils/tier-views"
import { AdminPreviewTiersType } from "../tiers/validators"

/** How many customers each saved tier would hold now, from their activity in the current window. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json({ preview: await tiersModule(req.scope).preview(new Date(), null) })
}

/** The same for a proposed set of tiers (nothing is saved); an invalid set is a 400. */
export async function POST(req: AuthenticatedMedusaRequest<AdminPreviewTiersType>, res: MedusaResponse) {
  res.json({ preview: await tiersModule(req.scope).preview(new Date(), req.validatedBody.tiers) })
}
