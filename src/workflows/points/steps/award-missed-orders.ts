import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { addDays } from "../../../lib/shared/dates"
import { forEachPage } from "../../../lib/shared/pages"
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
 * guests are read and skipped. Each order's award is its own workflow with
 * its own compensation, so this step has nothing left to undo.
 */
export const awardMissedOrdersStep = createPassStep(awardMissedOrdersStepId, async (now, container) => {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const since = addDays(now, -CATCH_UP_DAYS)
  let awarded = 0
  await forEachPage(
    async ({ skip }) => {
      const { data: orders } = await query.graph({
        entity: "order",
        fields: ["id", "customer.has_account"],
        filters: { created_at: { $gte: since, $lte: now }, status: { $ne: "draft" } },
        pagination: { skip, take: BATCH, order: { created_at: "ASC" } },
      })
      return orders
    },
    async (orders) => {
      const memberOrders = orders.filter((order) => order.customer?.has_account).map((order) => order.id)
      const missing = await pointsService(container).ordersWithoutEarning(memberOrders)
      for (const orderId of missing) {
        const { result } = await awardOrderPointsWorkflow(container).run({ input: { order_id: orderId } })
        if (result?.created) awarded++
      }
    },
    { size: BATCH, until: "short" }
  )
  return awarded
})
