import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { AwardPageInput } from "../../../lib/points/award-page"
import { GraphProductLine, LineProductFacts, lineProductFactsOf, presentOf } from "../../../lib/points/graph-inputs"
import { campaignsService } from "../../campaigns/steps/resolve-service"
import { withLineFacts } from "../../campaigns/steps/campaign-facts"
import { tiersService } from "../../tiers/steps/resolve-service"
import { readOrdersForPoints } from "./load-order-for-points"

export const loadAwardPageStepId = "loyalty-load-award-page-step"

/** What `planAwardPage` reads besides the program rules. */
export type AwardPageFacts = Omit<AwardPageInput, "rules">

/**
 * Everything a page of missed orders earns with, in a few reads whatever the
 * page holds, where the per-order award reads each order on its own: the
 * orders (one statement: the per-order award's own reader
 * `readOrdersForPoints`), the campaigns whose window meets the page's
 * placement times and every per-product earning rule (one statement of the
 * campaigns module), the lines' products only when earning rules exist (one
 * `query.graph`, the fields the per-order award's campaign facts read), and
 * each member order's earning tier at its placement (one statement of the
 * tiers module, `effectiveTiers`). Read only: nothing to compensate.
 */
export const loadAwardPageStep = createStep(loadAwardPageStepId, async (input: { order_ids: string[] }, { container }) => {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const read = await readOrdersForPoints(container, input.order_ids)
  if (!read.length) {
    return new StepResponse<AwardPageFacts>({ orders: [], tiers: [], campaigns: [], earning_rules: [] })
  }
  const times = read.map((order) => new Date(order.created_at).getTime())
  const terms = await campaignsService(container).listEarningTermsBetween(new Date(Math.min(...times)), new Date(Math.max(...times)))
  let orders = read
  if (terms.earning_rules.length) {
    const { data } = await query.graph({
      entity: "order",
      fields: ["id", "items.id", "items.product_id", "items.product.collection_id", "items.product.categories.id"],
      filters: { id: read.map((order) => order.id) },
    })
    const lines: Record<string, LineProductFacts> = {}
    for (const order of data) {
      for (const item of presentOf(order.items as (({ id: string } & GraphProductLine) | null)[] | null)) {
        lines[item.id] = lineProductFactsOf(item)
      }
    }
    orders = read.map((order) => ({ ...order, items: withLineFacts(order.items, { lines }) }))
  }
  // The tier of each member's order at its placement (guests' orders earn nothing: no read for them).
  const members = orders.flatMap((order, i) => (order.customer_id && order.is_member ? [{ i, customer_id: order.customer_id, at: new Date(order.created_at) }] : []))
  const found = await tiersService(container).effectiveTiers(members.map(({ customer_id, at }) => ({ customer_id, at })))
  const tiers: AwardPageFacts["tiers"] = orders.map(() => null)
  members.forEach(({ i }, k) => {
    const tier = found[k]
    tiers[i] = tier ? { id: tier.id, name: tier.name, earn_multiplier: tier.earn_multiplier } : null
  })
  return new StepResponse<AwardPageFacts>({
    orders,
    tiers,
    campaigns: terms.campaigns.map(({ starts_at, ends_at }) => ({ starts_at, ends_at })),
    earning_rules: terms.earning_rules,
  })
})
