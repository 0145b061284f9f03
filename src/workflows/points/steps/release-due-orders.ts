import { attemptEachDue } from "../../../lib/shared/pages"
import { createPassStep } from "../../shared/create-pass-step"
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
export const releaseDueOrdersStep = createPassStep(releaseDueOrdersStepId, async (now, container) => {
  const runs = await attemptEachDue(container, {
    size: BATCH,
    read: (take) => pointsService(container).listDueReleases(now, take),
    key: (row) => row.order_id,
    what: (row) => `Loyalty: releasing points of order ${row.order_id}`,
    run: (row) =>
      releaseOrderPointsWorkflow(container).run({
        input: { order_id: row.order_id, customer_id: row.customer_id, now },
      }),
    settles: () => false,
  })
  return runs.filter((run) => run.result?.created).length
})
