import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { InsightSettings } from "../../../lib/insights"
import { insightsService } from "./resolve-service"

export const computeCustomerInsightsStepId = "compute-loyalty-customer-insights"

/**
 * Aggregate every customer's orders, fit the models, score customers in
 * batches, rank value and record segment changes (see the module service).
 * Compensation deletes what the run wrote.
 */
export const computeCustomerInsightsStep = createStep(
  computeCustomerInsightsStepId,
  async (
    input: { run_id: string; now: Date; currency_code: string; settings: InsightSettings },
    { container }
  ) => {
    const result = await insightsService(container).computeCustomerInsights(input)
    return new StepResponse(result, input.run_id)
  },
  async (runId, { container }) => {
    if (runId) {
      await insightsService(container).discardRunData(runId)
    }
  }
)
