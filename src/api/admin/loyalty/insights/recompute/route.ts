import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { recomputeInsightsWorkflow } from "../../../../../workflows/insights"
import { AdminRecomputeInsightsType } from "../validators"
import { insightsModule } from "../views"

/**
 * "Recompute now": opens a run (400 while another one runs), starts the
 * recompute in the background and answers 202 with the run at once. The
 * admin polls `GET /admin/loyalty/insights/runs/:id` for its progress.
 */
export async function POST(req: AuthenticatedMedusaRequest<AdminRecomputeInsightsType>, res: MedusaResponse) {
  const service = insightsModule(req.scope)
  const logger = req.scope.resolve(ContainerRegistrationKeys.LOGGER)
  const now = req.validatedBody.as_of ?? new Date()
  const triggeredBy = req.auth_context.actor_id
  const run = await service.startRun({ as_of: now, triggered_by: triggeredBy })
  recomputeInsightsWorkflow(req.scope)
    .run({ input: { now, run_id: run.id, triggered_by: triggeredBy } })
    .catch(async (error: Error) => {
      logger.error(`Loyalty: insights recompute ${run.id} failed: ${error.message}`)
      await service
        .updateRun(run.id, { status: "failed", finished_at: new Date(), error: error.message })
        .catch(() => undefined)
    })
  res.status(202).json({ run })
}
