import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { attempt, forEachDue } from "../../../lib/shared/pages"
import { releaseOrderPointsWorkflow } from "../release-order-points"
import { pointsService } from "./resolve-service"

export const releaseDueOrdersStepId = "loyalty-release-due-orders-step"

const BATCH = 200

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
    const now = new Date(input.now)
    let released = 0
    await forEachDue(
      BATCH,
      (take) => pointsService(container).listDueReleases(now, take),
      (row) => row.order_id,
      async (row) => {
        const done = await attempt(container, `Loyalty: releasing points of order ${row.order_id}`, () =>
          releaseOrderPointsWorkflow(container).run({
            input: { order_id: row.order_id, customer_id: row.customer_id, now },
          })
        )
        if (done.ok && done.value.result?.created) released++
        return true
      }
    )
    return new StepResponse(released)
  }
)
