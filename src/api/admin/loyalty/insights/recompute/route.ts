import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { startInsightsRecompute } from "../../../../../workflows/insights"
import { AdminRecomputeInsightsType } from "../validators"

/**
 * "Recompute now": opens a run (400 while another one runs), starts the
 * recompute in the background and answers 202 with the run at once. The
 * admin polls `GET /admin/loyalty/insights/runs/:id` for its progress.
 */
export async function POST(req: AuthenticatedMedusaRequest<AdminRecomputeInsightsType>, res: MedusaResponse) {
  const logger = req.scope.resolve(ContainerRegistrationKeys.LOGGER)
  const { run, done } = await startInsightsRecompute(req.scope, {
    now: req.validatedBody.as_of ?? new Date(),
    triggered_by: req.auth_context.actor_id,
  })
  done.catch((error: Error) => logger.error(`Loyalty: insights recompute ${run.id} failed: ${error.message}`))
  res.status(202).json({ run })
}
