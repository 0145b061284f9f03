import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { InsightSettings } from "../../../lib/insights/rules"
import { streamCustomerOrderFacts, unratedCurrencies } from "../store-facts"
import { insightsService } from "./resolve-service"

export const aggregateCustomerFactsStepId = "loyalty-aggregate-customer-facts-step"

/**
 * Stage A of a recompute: every customer's order facts (orders, spend,
 * recency, holdout split, redeemed points, referrals) aggregated with one
 * set-based statement over Medusa's orders and customers and the points
 * ledger, run with Medusa's Postgres connection as `COPY (…) TO STDOUT` and
 * handed to the insights module as that stream (its `copyCustomerFacts`
 * copies it into its own table): the module owns only its own tables, so
 * the reading across modules happens here. Compensation deletes what the
 * run wrote.
 */
export const aggregateCustomerFactsStep = createStep(
  aggregateCustomerFactsStepId,
  async (input: { run_id: string; now: Date; currency_code: string; settings: InsightSettings }, { container }) => {
    const pg = container.resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION)
    const insights = insightsService(container)
    const started = Date.now()
    const now = new Date(input.now)
    const currency = input.currency_code.toLowerCase()
    const rates = {
      ...Object.fromEntries(Object.entries(input.settings.currency_rates ?? {}).map(([code, rate]) => [code.toLowerCase(), rate])),
      [currency]: 1,
    }
    await insights.updateRun(input.run_id, { stage: "aggregating orders", progress: 0.05 })
    const customers = await streamCustomerOrderFacts(pg, { now, rates }, (facts) =>
      insights.copyCustomerFacts(input.run_id, now, facts)
    )
    const warnings: string[] = []
    const unrated = await unratedCurrencies(pg, now, rates)
    if (unrated.length) {
      warnings.push(
        `Orders in ${unrated.map((c) => c.toUpperCase()).join(", ")} have no rate to ${currency.toUpperCase()}: they count as orders, not in money figures (spend, CLV); set a currency rate`
      )
    }
    return new StepResponse({ customers, warnings, aggregate_ms: Date.now() - started }, input.run_id)
  },
  async (runId, { container }) => {
    if (runId) {
      await insightsService(container).discardRunData(runId)
    }
  }
)
