import { emitEventStep } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { LoyaltyEvents, pointsEventsFor } from "../../lib/shared/events"
import { closeAccountStep } from "./steps/close-account"

export const closeCustomerAccountWorkflowId = "loyalty-close-customer-account"

/**
 * A customer was deleted: their points go with them. Pending points of their
 * orders and their balance are forfeited (`expire` entries, so the ledger
 * still adds up), debt is written off, and the account is closed; later
 * cancels, refunds and the release job find nothing to do for their orders.
 * Idempotent, so a redelivered `customer.deleted` changes nothing.
 *
 * @summary Close a deleted customer's points account.
 *
 * @example
 * await closeCustomerAccountWorkflow(container).run({ input: { customer_id: "cus_123" } })
 */
export const closeCustomerAccountWorkflow = createWorkflow(
  closeCustomerAccountWorkflowId,
  (input: { customer_id: string }) => {
    const results = closeAccountStep(input)
    const events = transform({ results }, ({ results }) => pointsEventsFor(results))
    when({ events }, ({ events }) => events.length > 0).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.POINTS_EXPIRED, data: events })
    )
    return new WorkflowResponse(
      transform({ results }, ({ results }) => ({ forfeited: results.reduce((sum, r) => sum - r.entry.points, 0) }))
    )
  }
)
