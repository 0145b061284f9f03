import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { ComputeResult, InsightRunSummary, KpiWindow, SegmentGroupSync } from "../../../modules/loyalty-insights/types"
import { insightsService } from "./resolve-service"

export const finishInsightsRunStepId = "loyalty-finish-insights-run-step"

/** Mark the run succeeded with its model and summary, then prune old runs' rows. */
export const finishInsightsRunStep = createStep(
  finishInsightsRunStepId,
  async (
    input: {
      run_id: string
      currency_code: string
      keep_runs: number
      result: ComputeResult
      kpis: { rows: number; ms: number; last_30_days: KpiWindow }
      groups: Record<string, SegmentGroupSync>
    },
    { container }
  ) => {
    const service = insightsService(container)
    const { result } = input
    await service.updateRun(input.run_id, {
      status: "succeeded",
      stage: "done",
      progress: 1,
      finished_at: new Date(),
      customers: result.customers,
      currency_code: input.currency_code,
      model: result.model.kind,
      model_reason: result.model.kind === "heuristic" ? result.model.reason : null,
      params: result.params,
      summary: {
        segments: result.segments,
        segment_changes: result.segment_changes,
        warnings: result.warnings,
        kpi_rows: input.kpis.rows,
        last_30_days: input.kpis.last_30_days,
        timings: { ...result.timings, kpis_ms: input.kpis.ms },
        groups: input.groups,
      } satisfies InsightRunSummary,
    })
    await service.pruneRuns(input.keep_runs)
    return new StepResponse(await service.retrieveRun(input.run_id))
  }
)
