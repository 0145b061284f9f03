import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { currentRun, insightsModule } from "../views"

/** Monthly KPIs for members, non-members and all, as of the newest succeeded run. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const run = await currentRun(req.scope)
  res.json({ run, kpis: run ? await insightsModule(req.scope).listKpis(run.id) : [] })
}
