import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { insightsModule } from "../../views"

/** One run: status, stage, progress (0–1), model and why, summary. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json({ run: await insightsModule(req.scope).retrieveRun(req.params.id) })
}
