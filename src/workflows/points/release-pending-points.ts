import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, createWorkflow, StepResponse, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { addDays } from "../../lib/shared/dates"
import { awardOrderPointsWorkflow } from "./award-order-points"
import { releaseOrderPointsWorkflow } from "./release-order-points"
import { pointsService } from "./steps/resolve-service"

export const releasePendingPointsWorkflowId = "release-pending-points"

const BATCH = 200
/** How far back the catch-up looks for orders whose `order.placed` handling was lost. */
export const CATCH_UP_DAYS = 60

export const awardMissedOrdersStepId = "award-missed-orders"

/**
 * The local event bus drops an event whose handler failed, so an order could
 * miss its points for good. This step finds recent orders without an earn
 * entry and runs the same idempotent award workflow on them; orders of
 * guests are read and skipped. Each order's award is its own workflow with
 * its own compensation, so this step has nothing left to undo.
 */
export const awardMissedOrdersStep = createStep(
  awardMissedOrdersStepId,
  async (input: { now: Date }, { container }) => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const since = addDays(new Date(input.now), -CATCH_UP_DAYS)
    let awarded = 0
    for (let skip = 0; ; skip += BATCH) {
      const { data: orders } = await query.graph({
        entity: "order",
        fields: ["id", "customer.has_account"],
        filters: { created_at: { $gte: since, $lte: new Date(input.now) }, status: { $ne: "draft" } },
        pagination: { skip, take: BATCH, order: { created_at: "ASC" } },
      })
      const memberOrders = orders.filter((order) => order.customer?.has_account).map((order) => order.id)
      const missing = await pointsService(container).ordersWithoutEarning(memberOrders)
      for (const orderId of missing) {
        const { result } = await awardOrderPointsWorkflow(container).run({ input: { order_id: orderId } })
        if (result?.created) awarded++
      }
      if (orders.length < BATCH) break
    }
    return new StepResponse(awarded)
  }
)

export const releaseDueOrdersStepId = "release-due-orders"

/**
 * Release every order whose return window has ended, one idempotent workflow
 * per order (each reconciles reversals from the order first). A failing order
 * is logged and left for the next run instead of blocking everyone else's,
 * and so is an order whose release posted nothing: each order is tried at
 * most once per run, so the loop always ends.
 */
export const releaseDueOrdersStep = createStep(
  releaseDueOrdersStepId,
  async (input: { now: Date }, { container }) => {
    const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
    const now = new Date(input.now)
    const tried = new Set<string>()
    let released = 0
    for (;;) {
      const due = (await pointsService(container).listDueReleases(now, BATCH + tried.size)).filter(
        (row) => !tried.has(row.order_id)
      )
      if (!due.length) break
      for (const row of due) {
        tried.add(row.order_id)
        try {
          const { result } = await releaseOrderPointsWorkflow(container).run({
            input: { order_id: row.order_id, customer_id: row.customer_id, now },
          })
          if (result?.created) released++
        } catch (error) {
          logger.error(`Loyalty: releasing points of order ${row.order_id} failed: ${(error as Error).message}`)
        }
      }
    }
    return new StepResponse(released)
  }
)

/**
 * The daily pass over pending points: award orders whose `order.placed`
 * handling was lost, then release the points of orders past their return
 * window. Takes `now` so tests and back-fills can run it at any date.
 *
 * @summary Catch up missed earnings and release due pending points.
 *
 * @example
 * await releasePendingPointsWorkflow(container).run({ input: { now: new Date() } })
 */
export const releasePendingPointsWorkflow = createWorkflow(
  releasePendingPointsWorkflowId,
  (input: { now: Date }) => {
    const awarded = awardMissedOrdersStep(input)
    const released = releaseDueOrdersStep(input)
    return new WorkflowResponse({ awarded, released })
  }
)
