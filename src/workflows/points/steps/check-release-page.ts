import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { originalEarningOf, recomputationWrites } from "../../../lib/points/order-points"
import { readOrdersForPoints } from "./load-order-for-points"
import { pointsService } from "./resolve-service"

export const checkReleasePageStepId = "loyalty-check-release-page-step"

/** An order due for release, as the due queue lists it: the order and the customer whose account holds its points. */
export type DueRelease = { order_id: string; customer_id: string }

export type ReleasePageCheck = {
  /** Orders the page releases set-based: their recomputation has nothing to write. */
  clean: DueRelease[]
  /** Orders left to the per-order release (`releaseOrderPointsWorkflow`), in the page's order. */
  recompute: string[]
}

/**
 * The reversal check of a page of due releases, read only: the per-order
 * release first recomputes the order's points from the order as it now
 * stands (a cancel or refund whose event was lost), and this asks the same
 * question of the whole page at once: the page's orders in one statement
 * (`readOrdersForPoints`, with the refunds: what the recomputation reads),
 * their ledger figures and earnings in two reads, and `recomputationWrites`
 * on each. An order for which the recomputation would write anything goes to
 * the per-order release, with every other order of the same customer in the
 * page, so each member's orders are still released in the queue's order (a
 * member in debt pays it off with the same order as one by one).
 */
export const checkReleasePageStep = createStep(
  checkReleasePageStepId,
  async (input: { orders: DueRelease[] }, { container }) => {
    const ids = [...new Set(input.orders.map((order) => order.order_id))]
    if (!ids.length) return new StepResponse<ReleasePageCheck>({ clean: [], recompute: [] })
    const service = pointsService(container)
    const [orders, summaries, earnings] = await Promise.all([
      readOrdersForPoints(container, ids, { refunds: true }),
      service.summarizeOrders(ids),
      service.listOrderEarnings(ids),
    ])
    const orderById = new Map(orders.map((order) => [order.id, order]))
    const ledgerOf = new Map(summaries.map((summary) => [summary.order_id, summary]))
    const writes = new Set(
      ids.filter((id) => {
        const order = orderById.get(id)
        return recomputationWrites({
          order: order ?? null,
          ledger: ledgerOf.get(id)!,
          earning: originalEarningOf(earnings.get(id)),
        })
      })
    )
    const heldBack = new Set(input.orders.filter((order) => writes.has(order.order_id)).map((order) => order.customer_id))
    const seen = new Set<string>()
    const check: ReleasePageCheck = { clean: [], recompute: [] }
    for (const order of input.orders) {
      if (seen.has(order.order_id)) continue
      seen.add(order.order_id)
      if (heldBack.has(order.customer_id)) check.recompute.push(order.order_id)
      else check.clean.push(order)
    }
    return new StepResponse<ReleasePageCheck>(check)
  }
)
