import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { expireDueLotsStep } from "./steps/expire-due-lots"

export const expirePointsWorkflowId = "loyalty-expire-points"

/**
 * Expire every lot past its date as of `now`, a bounded page at a time (each
 * page its own workflow: `expireLotBatchWorkflow`). Debits take
 * first-expiring lots first, so what expires here is what the shopper did
 * not spend.
 *
 * @summary Expire points past their expiry date.
 */
export const expirePointsWorkflow = createWorkflow(expirePointsWorkflowId, (input: { now: Date }) => {
  return new WorkflowResponse(expireDueLotsStep(input))
})
