import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"
import { ordersWithoutFacts, readMissingFacts } from "./order-facts"

export const fillOrderFactsStepId = "loyalty-fill-order-facts-step"

export type FillOrderFactsInput = {
  /** Start after this order id (keyset); null for the first batch. */
  after: string | null
  /** Orders looked at per batch. */
  limit: number
}

export type FillOrderFactsResult = {
  /** Orders without facts found in this batch. */
  found: number
  /** Facts written (an order without a summary has none; one the award reached meanwhile keeps its own). */
  filled: number
  /** The last order id looked at: the next batch's `after`; null when no order without facts is left after `after`. */
  last_id: string | null
}

/**
 * One batch of the orders without earning facts (placed before the plugin,
 * or whose award never ran), in id order after `after`: their facts read
 * from Medusa's tables as the what-if replay reads them, kept by the points
 * module. Not compensated, like the replay's own fill: the facts describe
 * the order as placed whatever happens next, and the award writes the same
 * row (the first writer wins).
 */
export const fillOrderFactsStep = createStep(fillOrderFactsStepId, async (input: FillOrderFactsInput, { container }) => {
  const pg = container.resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION)
  const ids = await ordersWithoutFacts(pg, input.after, input.limit)
  const facts = await readMissingFacts(pg, ids)
  const written = await pointsService(container).recordOrderFacts(facts)
  return new StepResponse<FillOrderFactsResult>({ found: ids.length, filled: written.length, last_id: ids.at(-1) ?? null })
})
