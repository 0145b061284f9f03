import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { LoyaltyEvents } from "../../lib/shared/events"
import { emitPointsEvents } from "../points/emit-points-events"
import { takeBackCreditStep } from "../points/steps/take-back-credit"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"

export const takeBackFeedbackPointsWorkflowId = "loyalty-take-back-feedback-points"

/**
 * Feedback points are a thank-you for a paid order: when the order is
 * canceled they go, from the balance of the shopper who received them, the
 * part already spent as debt. Once per order, whatever redelivers the event.
 *
 * @summary Take back an order's feedback points when it is canceled.
 *
 * @example
 * await takeBackFeedbackPointsWorkflow(container).run({ input: { order_id: "order_123" } })
 */
export const takeBackFeedbackPointsWorkflow = createWorkflow(
  takeBackFeedbackPointsWorkflowId,
  (input: { order_id: string }) => {
    const result = takeBackCreditStep(
      transform({ input }, ({ input }) => ({
        credit_key: IdempotencyKeys.feedbackCredit(input.order_id),
        idempotency_key: IdempotencyKeys.feedbackTakeBack(input.order_id),
        reason: "Order canceled: feedback points taken back",
      }))
    )
    emitPointsEvents(LoyaltyEvents.POINTS_REVERSED, result)
    return new WorkflowResponse(result)
  }
)
