import { emitEventStep } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { LoyaltyEvents, pointsEventsFor } from "../../lib/shared/events"
import { expireLotsStep } from "./steps/expire-lots"

export const expireLotBatchWorkflowId = "loyalty-expire-lot-batch"

/**
 * Expire one page of lots and announce it (`loyalty.points.expired`): the
 * expiry pass's unit of work, so what a run commits, keeps for compensation
 * and emits is bounded by the page, whatever the day brings.
 *
 * @summary Expire a page of lots past their date.
 */
export const expireLotBatchWorkflow = createWorkflow(expireLotBatchWorkflowId, (input: { now: Date; lot_ids: string[] }) => {
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
