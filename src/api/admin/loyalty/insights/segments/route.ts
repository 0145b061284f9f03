import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { currentRun, insightsModule, segmentsView } from "../views"

/** Counts, revenue share, the rule and the recommended play per segment, as of the newest succeeded run. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const run = await currentRun(req.scope)
  if (!run) {
    res.json({ run: null, segments: { rfm: [], matrix: [], lifecycle: [], value_band: [] } })
    return
  }
  res.json({ run, segments: segmentsView(await insightsModule(req.scope).segmentSummary(run.id)) })
}
