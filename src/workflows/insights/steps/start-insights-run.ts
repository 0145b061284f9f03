import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { insightsService } from "./resolve-service"

export const startInsightsRunStepId = "loyalty-start-insights-run-step"

/**
 * Open a run, or adopt the one the admin route already opened (so it could
 * answer with its id at once). Compensation marks it failed, with the error.
 */
export const startInsightsRunStep = createStep(
  startInsightsRunStepId,
  async (input: { now: Date; run_id?: string; triggered_by?: string | null }, { container }) => {
    const service = insightsService(container)
    const run = input.run_id
      ? await service.retrieveRun(input.run_id)
      : await service.startRun({ as_of: new Date(input.now), triggered_by: input.triggered_by ?? "job" })
    return new StepResponse(run, run.id)
  },
  async (runId, { container }) => {
    if (runId) {
      await insightsService(container).updateRun(runId, {
        status: "failed",
        finished_at: new Date(),
        error: "The recompute failed and was rolled back",
      })
    }
  }
)
