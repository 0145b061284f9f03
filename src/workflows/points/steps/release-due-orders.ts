import { attemptEachDue } from "../../../lib/shared/pages"
import { createPassStep } from "../../shared/create-pass-step"
import { releaseOrderPointsWorkflow } from "../release-order-points"
import { pointsService } from "./resolve-service"

export const releaseDueOrdersStepId = "loyalty-release-due-orders-step"

const BATCH = 200

/**
 * Release every order whose return window has ended, one idempotent workflow
 * per order (each reconciles reversals from the order first), a page of the
 * due queue at a time in keyset order. A failing order is logged and left
 * for the next run instead of blocking everyone else's; each order is tried
 * at most once per run, so the loop always ends. Each release commits on its
 * own, so a pass that dies resumes where the next run reads the queue.
 */
export const releaseDueOrdersStep = createPassStep(releaseDueOrdersStepId, async (now, container) => {
  let released = 0
  await attemptEachDue(container, {
    read: (after) => pointsService(container).listDueReleases(now, after, BATCH),
    what: (row) => `Loyalty: releasing points of order ${row.order_id}`,
    run: async (row) => {
      const { result } = await releaseOrderPointsWorkflow(container).run({
        input: { order_id: row.order_id, customer_id: row.customer_id, now },
      })
      if (result?.created) released++
    },
  })
  return released
})
