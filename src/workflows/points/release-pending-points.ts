import { createPassWorkflow } from "../shared/create-pass-workflow"
import { awardMissedOrdersStep } from "./steps/award-missed-orders"
import { releaseDueOrdersStep } from "./steps/release-due-orders"

export const releasePendingPointsWorkflowId = "loyalty-release-pending-points"

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
export const releasePendingPointsWorkflow = createPassWorkflow(releasePendingPointsWorkflowId, {
  awarded: awardMissedOrdersStep,
  released: releaseDueOrdersStep,
})
