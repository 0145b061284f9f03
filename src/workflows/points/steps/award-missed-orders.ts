import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { addDays } from "../../../lib/shared/dates"
import { attempt, forEachPage, ulidFloor } from "../../../lib/shared/pages"
import { awardOrderPointsWorkflow } from "../award-order-points"
import { pointsService } from "./resolve-service"
import { createPassStep } from "../../shared/create-pass-step"

export const awardMissedOrdersStepId = "loyalty-award-missed-orders-step"

const BATCH = 200
/** How far back the catch-up looks for orders whose `order.placed` handling was lost. */
export const CATCH_UP_DAYS = 60

/**
 * The local event bus drops an event whose handler failed, so an order could
 * miss its points for good. This step finds recent orders without an earn
 * entry and runs the same idempotent award workflow on them; orders of
 * guests are read and skipped. A failing order is logged and left for the
 * next run, so it never holds up the others or the release after it. Orders are read in keyset order of their id
 * (a ULID, so in creation order) from the first id of the window on: Medusa
 * has no index on an order's `created_at`, and the primary key gives each
 * page one index range instead of an OFFSET over the window. Each order's
 * award is its own workflow with its own compensation, so this step has
 * nothing left to undo and a pass that dies resumes at the next run.
 */
export const awardMissedOrdersStep = createPassStep(awardMissedOrdersStepId, async (now, container) => {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const since = addDays(now, -CATCH_UP_DAYS)
  const first = `order_${ulidFloor(since)}`
  let awarded = 0
  await forEachPage(
    async ({ after }) => {
      const { data: orders } = await query.graph({
        entity: "order",
        fields: ["id", "customer.has_account"],
        filters: { id: { $gt: after ?? first }, created_at: { $gte: since, $lte: now }, status: { $ne: "draft" } },
        pagination: { take: BATCH, order: { id: "ASC" } },
      })
      return orders
    },
    async (orders) => {
      const memberOrders = orders.filter((order) => order.customer?.has_account).map((order) => order.id)
      const missing = await pointsService(container).ordersWithoutEarning(memberOrders)
      for (const orderId of missing) {
        const done = await attempt(container, `Loyalty: awarding missed order ${orderId}`, () =>
          awardOrderPointsWorkflow(container).run({ input: { order_id: orderId } })
        )
        if (done.ok && done.value.result?.created) awarded++
      }
    },
    { size: BATCH, until: "short", key: (order) => order.id }
  )
  return awarded
})
