import { emitEventStep } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { expiryDate } from "../../lib/shared/dates"
import { LoyaltyEvents } from "../../lib/shared/events"
import { checkReleasePageStep, DueRelease } from "./steps/check-release-page"
import { loadProgramRulesStep } from "./steps/load-program-rules"
import { loadReleasedEventsStep } from "./steps/load-released-events"
import { releaseOrderPageStep } from "./steps/release-order-page"

export const releaseOrderPageWorkflowId = "loyalty-release-order-page"
/** The page's `loyalty.points.released` step (a fault test arms it by this name). */
export const emitPointsReleasedPageStepId = "loyalty-emit-points-released-page-step"

export type ReleaseOrderPageInput = { orders: DueRelease[]; now: Date }

/**
 * Release one page of due orders: the release pass's unit of work, so what
 * a run locks, keeps for compensation and emits is bounded by the page,
 * whatever the day brings. It does for each order what
 * `releaseOrderPointsWorkflow` does, set-based: the reversal check for the
 * whole page in one read (`checkReleasePageStep`), the releases in one
 * transaction (`releaseOrderPageStep`), and `loyalty.points.released` for
 * the page in one step, one message per release with the payload the
 * per-order release sends. A step that fails undoes this page only.
 *
 * `deferred` lists the orders the page left to `releaseOrderPointsWorkflow`
 * (in the page's order): those whose recomputation has something to write
 * (with the same customer's other orders of the page), and those whose
 * account another transaction held. Orders released here skip the
 * per-order path's recomputation, and with it its order lock and its
 * `validate` / `pointsReversed` hooks: it had nothing to write for them.
 *
 * @summary Release a page of orders' pending points after their return window.
 *
 * @example
 * const { result } = await releaseOrderPageWorkflow(container).run({
 *   input: { orders: [{ order_id: "order_1", customer_id: "cus_1" }], now: new Date() },
 * })
 */
export const releaseOrderPageWorkflow = createWorkflow(releaseOrderPageWorkflowId, (input: ReleaseOrderPageInput) => {
  const check = checkReleasePageStep(transform({ input }, ({ input }) => ({ orders: input.orders })))
  const rules = loadProgramRulesStep()
  const page = releaseOrderPageStep(
    transform({ input, check, rules }, ({ input, check, rules }) => ({
      orders: check.clean,
      expires_at: expiryDate(new Date(input.now), rules.expiry_months),
    }))
  )
  const released = transform({ page }, ({ page }) => page.entry_ids)
  when("loyalty-release-page-released", { released }, ({ released }) => released.length > 0).then(() => {
    // The events carry what each order earned with, so their consumers (the tiers) never read the ledger.
    const events = loadReleasedEventsStep({ entry_ids: released })
    emitEventStep({ eventName: LoyaltyEvents.POINTS_RELEASED, data: events }).config({
      name: emitPointsReleasedPageStepId,
    })
  })
  return new WorkflowResponse(
    transform({ check, page }, ({ check, page }) => ({
      released: page.entry_ids.length,
      deferred: [...check.recompute, ...page.deferred],
    }))
  )
})
