import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { insightsModule } from "../../views"

/** The newest run (maybe still running) and the newest that succeeded. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json(await insightsModule(req.scope).latestRuns())
}
