import { emitEventStep } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { LoyaltyEvents, pointsEventsFor } from "../../lib/shared/events"
import { expireLotsStep } from "./steps/expire-lots"

export const expirePointsWorkflowId = "loyalty-expire-points"

/**
 * Expire every lot past its date as of `now`. Debits take first-expiring
 * lots first, so what expires here is what the shopper did not spend.
 *
 * @summary Expire points past their expiry date.
 */
export const expirePointsWorkflow = createWorkflow(expirePointsWorkflowId, (input: { now: Date }) => {
  const results = expireLotsStep(input)
  const events = transform({ results }, ({ results }) => pointsEventsFor(results))
  when({ events }, ({ events }) => events.length > 0).then(() =>
    emitEventStep({ eventName: LoyaltyEvents.POINTS_EXPIRED, data: events })
  )
  return new WorkflowResponse(
    transform({ results }, ({ results }) => ({
      expired_lots: results.length,
      expired_points: results.reduce((sum, result) => sum - result.entry.points, 0),
    }))
  )
})
