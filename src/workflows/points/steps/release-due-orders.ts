import { asOneBatch, attempt, attemptEachDue } from "../../../lib/shared/pages"
import { createPassStep } from "../../shared/create-pass-step"
import { releaseOrderPageWorkflow } from "../release-order-page"
import { releaseOrderPointsWorkflow } from "../release-order-points"
import { pointsService } from "./resolve-service"

export const releaseDueOrdersStepId = "loyalty-release-due-orders-step"

/** Due pending entries a page reads: its statements, compensation data and events stay this size. */
export const RELEASE_PAGE = 500

/**
 * Release every order whose return window has ended, a page of the due
 * queue at a time in keyset order (release date, entry). Each page is one
 * `releaseOrderPageWorkflow`, which checks the page's orders for reversals
 * in one read, commits the page's releases set-based, emits its events and,
 * if it fails, undoes only that page (logged). The orders a page leaves to
 * the per-order path (a recomputation to write first, an account held by
 * another transaction), and every order of a page that failed (one account
 * the page would take past what it holds), each get their own
 * `releaseOrderPointsWorkflow`, in the page's order, as the earnings
 * catch-up and the referral repair do: one order that cannot be released
 * never holds up the others'. A failing one is logged and left for the next
 * run. Each order is tried at most once per run, so the loop always ends, and
 * a pass that dies resumes where the next run reads the queue. Only counters
 * outlive a page.
 */
export const releaseDueOrdersStep = createPassStep(releaseDueOrdersStepId, async (now, container) => {
  let released = 0
  await attemptEachDue(container, {
    read: async (after) => asOneBatch(await pointsService(container).listDueReleases(now, after, RELEASE_PAGE)),
    what: (orders) => `Loyalty: releasing points of ${orders.length} orders from ${orders[0].order_id}`,
    run: async (orders) => {
      const page = await attempt(container, `Loyalty: releasing points of ${orders.length} orders from ${orders[0].order_id} as one page`, () =>
        releaseOrderPageWorkflow(container).run({ input: { orders, now } })
      )
      if (page.ok) released += page.value.result.released
      const deferred = new Set(page.ok ? page.value.result.deferred : orders.map((row) => row.order_id))
      for (const row of orders) {
        if (!deferred.delete(row.order_id)) continue
        const one = await attempt(container, `Loyalty: releasing points of order ${row.order_id}`, async () => {
          const { result } = await releaseOrderPointsWorkflow(container).run({
            input: { order_id: row.order_id, customer_id: row.customer_id, now },
          })
          return result?.created ? 1 : 0
        })
        if (one.ok) released += one.value
      }
    },
  })
  return released
})
