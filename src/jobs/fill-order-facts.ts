import { MedusaContainer } from "@medusajs/framework/types"
import { fillOrderFactsWorkflow } from "../workflows/what-if"

/** Orders looked at per batch, and the most one run looks at (the rest wait for the next run). */
export const FILL_ORDER_FACTS_BATCH = 2_000
export const FILL_ORDER_FACTS_PER_RUN = 50_000

/**
 * Every 15 minutes: the earning facts of orders that have none (a store's
 * orders from before the plugin), batch after batch in order-id order, up to
 * 50,000 orders per run (about 200,000 an hour), so a merchant's first
 * what-if preview reads facts instead of filling them. Once every order has
 * its facts (the award writes them for each new order), a run walks the
 * orders' key once and finds nothing.
 * Returns what it filled and whether it reached the last order.
 */
export default async function fillOrderFactsJob(
  container: MedusaContainer,
  { batch = FILL_ORDER_FACTS_BATCH, per_run = FILL_ORDER_FACTS_PER_RUN }: { batch?: number; per_run?: number } = {}
) {
  let after: string | null = null
  let filled = 0
  let found = 0
  while (found < per_run) {
    const { result } = await fillOrderFactsWorkflow(container).run({ input: { after, limit: Math.min(batch, per_run - found) } })
    found += result.found
    filled += result.filled
    after = result.last_id
    if (after === null) return { filled, done: true }
  }
  return { filled, done: false }
}

export const config = {
  name: "loyalty-fill-order-facts",
  schedule: "*/15 * * * *",
}
