import { emitEventStep } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { expiryDate } from "../../lib/shared/dates"
import { LoyaltyEvents, pointsEventsFor } from "../../lib/shared/events"
import { loadProgramRulesStep } from "./steps/load-program-rules"
import { loadReleasedEventsStep } from "./steps/load-released-events"
import { releaseOrderPointsStep } from "./steps/release-order-points"
import { reverseOrderPointsWorkflow } from "./reverse-order-points"

export const releaseOrderPointsWorkflowId = "loyalty-release-order-points"

export type ReleaseOrderPointsInput = { order_id: string; customer_id: string; now: Date }

/**
 * Release one order's pending points once its return window has ended. It
 * first reconciles reversals from the order's current state, so a cancel or
 * refund whose event was lost still takes its points back before anything
 * becomes spendable. `loyalty.points.released` carries the facts the order
 * earned with (eligible amount, currency, multiplier), so the tiers count
 * it from the event alone.
 *
 * @summary Release an order's pending points after the return window.
 */
export const releaseOrderPointsWorkflow = createWorkflow(
  releaseOrderPointsWorkflowId,
  (input: ReleaseOrderPointsInput) => {
    reverseOrderPointsWorkflow.runAsStep({
      input: transform({ input }, ({ input }) => ({ order_id: input.order_id, trigger: "release-job" })),
    })
    const rules = loadProgramRulesStep()
    const result = releaseOrderPointsStep(
      transform({ input, rules }, ({ input, rules }) => ({
        order_id: input.order_id,
        customer_id: input.customer_id,
        now: new Date(input.now),
        expires_at: expiryDate(new Date(input.now), rules.expiry_months),
      }))
    )
    // The event carries what the order earned with, so its consumers (the tiers) never read the ledger.
    const released = transform({ result }, ({ result }) => pointsEventsFor([result]).map((event) => event.id))
    when({ released }, ({ released }) => released.length > 0).then(() => {
      const events = loadReleasedEventsStep({ entry_ids: released })
      emitEventStep({ eventName: LoyaltyEvents.POINTS_RELEASED, data: events })
    })
    return new WorkflowResponse(result)
  }
)
