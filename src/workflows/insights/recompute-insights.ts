import { createWorkflow, parallelize, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { aggregateCustomerFactsStep } from "./steps/aggregate-customer-facts"
import { computeCustomerInsightsStep } from "./steps/compute-customer-insights"
import { finishInsightsRunStep } from "./steps/finish-insights-run"
import { loadInsightContextStep } from "./steps/load-insight-context"
import { snapshotKpisStep } from "./steps/snapshot-kpis"
import { startInsightsRunStep } from "./steps/start-insights-run"
import { syncSegmentGroupsStep } from "./steps/sync-segment-groups"

export const recomputeInsightsWorkflowId = "loyalty-recompute-insights"

export type RecomputeInsightsInput = {
  /** The day the insights are computed for; orders after it are ignored. */
  now: Date
  /** A run opened beforehand (the admin route does, to answer with its id at once). */
  run_id?: string
  triggered_by?: string | null
  /** Months of KPIs to snapshot (default 12). */
  kpi_months?: number
}

/**
 * Recompute every customer's RFM scores, segments, lifecycle stage, churn
 * risk, CLV and value score as of `now`; record segment changes; snapshot the
 * monthly KPIs (beside the scoring: neither reads what the other writes);
 * mirror the chosen segments into customer groups. Same data and same `now`
 * give the same result.
 *
 * @summary Recompute customer insights and program KPIs.
 *
 * @example
 * const { result: run } = await recomputeInsightsWorkflow(container).run({ input: { now: new Date() } })
 */
export const recomputeInsightsWorkflow = createWorkflow(
  recomputeInsightsWorkflowId,
  (input: RecomputeInsightsInput) => {
    const run = startInsightsRunStep(input)
    const context = loadInsightContextStep()
    const factsInput = transform({ run, context, input }, ({ run, context, input }) => ({
      run_id: run.id,
      now: input.now,
      currency_code: context.currency_code,
      settings: context.settings,
    }))
    const aggregated = aggregateCustomerFactsStep(factsInput)
    const computeInput = transform({ factsInput, aggregated }, ({ factsInput, aggregated }) => ({
      ...factsInput,
      aggregated: { warnings: aggregated.warnings, aggregate_ms: aggregated.aggregate_ms },
    }))
    const kpiInput = transform({ run, context, input }, ({ run, context, input }) => ({
      run_id: run.id,
      now: input.now,
      months: input.kpi_months ?? 12,
      currency_code: context.currency_code,
      currency_rates: context.settings.currency_rates,
      point_values: context.point_values,
    }))
    // The KPIs read Medusa's orders, the ledger and referrals, not the run's customers: they run beside the
    // scoring (mostly Node and one Postgres backend at a time), so a 2-core machine keeps both cores busy.
    const [result, kpiRows] = parallelize(computeCustomerInsightsStep(computeInput), snapshotKpisStep(kpiInput))
    const groupInput = transform({ run, context }, ({ run, context }) => ({
      run_id: run.id,
      segment_groups: context.settings.segment_groups as Record<string, string>,
    }))
    const groups = syncSegmentGroupsStep(groupInput)
    const finishInput = transform({ run, context, result, kpiRows, groups }, ({ run, context, result, kpiRows, groups }) => ({
      run_id: run.id,
      currency_code: context.currency_code,
      keep_runs: context.settings.keep_runs,
      result,
      kpis: kpiRows,
      groups,
    }))
    return new WorkflowResponse(finishInsightsRunStep(finishInput))
  }
)
