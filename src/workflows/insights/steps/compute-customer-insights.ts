import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { InsightSettings } from "../../../lib/insights/rules"
import { insightsService } from "./resolve-service"

export const computeCustomerInsightsStepId = "loyalty-compute-customer-insights-step"

/**
 * Score the customers whose facts the aggregation step wrote: fit the
 * models, score customers in batches, rank value and record segment changes
 * (see the module's `scoreRun`, which touches only its own tables). The
 * aggregation's warnings and time join the run's. Compensation deletes what
 * the run wrote.
 */
export const computeCustomerInsightsStep = createStep(
  computeCustomerInsightsStepId,
  async (
    input: {
      run_id: string
      now: Date
      currency_code: string
      settings: InsightSettings
      aggregated: { warnings: string[]; aggregate_ms: number }
    },
    { container }
  ) => {
    const { aggregated, ...scoreInput } = input
    const scored = await insightsService(container).scoreRun(scoreInput)
    const result = {
      ...scored,
      warnings: [...aggregated.warnings, ...scored.warnings],
      timings: { aggregate_ms: aggregated.aggregate_ms, ...scored.timings },
    }
    return new StepResponse(result, input.run_id)
  },
  async (runId, { container }) => {
    if (runId) {
      await insightsService(container).discardRunData(runId)
    }
  }
)
