import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { insightsModule } from "../../views"

/** A customer's insight in the newest succeeded run (null before their first order) and their segment history. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json(await insightsModule(req.scope).customerInsight(req.params.customer_id))
}
