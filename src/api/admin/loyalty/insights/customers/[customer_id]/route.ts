import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { explainLabels } from "../../../../../../lib/insights/rules"
import { insightsModule } from "../../views"

/**
 * A customer's insight in the newest succeeded run (null before their first
 * order), their segment history, and what explains the labels: the segment's
 * rule and play, and the model (BG/NBD or the fallback) with its fit quality.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const service = insightsModule(req.scope)
  const { insight, history } = await service.customerInsight(req.params.customer_id)
  const run = insight ? await service.retrieveRun(insight.run_id) : null
  res.json({ insight, history, explain: insight && run ? explainLabels(insight, run) : null })
}
