import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { KpiInput } from "../../../modules/loyalty-insights/types"
import { readKpis } from "../store-facts"
import { insightsService } from "./resolve-service"

export const snapshotKpisStepId = "loyalty-snapshot-kpis-step"

/**
 * Store the run's monthly KPIs (members, non-members, all) for the last
 * `months` months, and compute the last 30 days' for the cards (kept in the
 * run's summary): on the 2nd of a month, month-to-date figures look like a
 * collapse. Orders (once for both), customers, the ledger and referrals are read here with
 * Medusa's Postgres connection; the insights module only stores the rows.
 * Runs beside the scoring step, so it leaves the run's stage and progress to
 * that step.
 */
export const snapshotKpisStep = createStep(
  snapshotKpisStepId,
  async (input: KpiInput, { container }) => {
    const service = insightsService(container)
    const started = Date.now()
    const pg = container.resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION)
    const kpis = await readKpis(pg, { ...input, days: 30 })
    const rows = await service.updateKpiSnapshot(input.run_id, kpis.monthly)
    return new StepResponse({ rows: rows.length, ms: Date.now() - started, last_30_days: kpis.window })
  }
)
