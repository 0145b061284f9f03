import { emitEventStep } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { LoyaltyEvents, pointsEventsFor } from "../../lib/events"
import { orderLabel } from "../../lib/order-points"
import { loadOrderForPointsStep } from "./steps/load-order-for-points"
import { reverseOrderPointsStep } from "./steps/reverse-order-points"
import { loadProgramRulesStep } from "./steps/load-program-rules"
import { attachCartRedemptionStep, restoreOrderRedemptionStep } from "./steps/restore-order-redemption"
import { expiryDate } from "../../lib/dates"

export const reverseOrderPointsWorkflowId = "reverse-order-points"

export type ReverseOrderPointsInput = {
  order_id: string
  /** What asked for the recomputation, kept on the entry: an event name or "release-job". */
  trigger: string
}

/**
 * Recompute how much of an order's points should stand reversed from the
 * order's money (cancel = all; otherwise refunded cash / captured cash) and
 * post only the difference. Cancel, refund and return-received all call this
 * same rule, so a return followed by its refund, or any redelivered event,
 * never reverses twice.
 *
 * @summary Reverse an order's points in line with what was refunded.
 */
export const reverseOrderPointsWorkflow = createWorkflow(
  reverseOrderPointsWorkflowId,
  (input: ReverseOrderPointsInput) => {
    const order = loadOrderForPointsStep({ order_id: input.order_id })

    const reversal = transform({ order, input }, ({ order, input }) =>
      order?.customer_id
        ? {
            order_id: order.id,
            customer_id: order.customer_id,
            canceled: order.status === "canceled",
            captured: order.captured,
            refunded: order.refunded,
            reason:
              order.status === "canceled"
                ? `${orderLabel(order)} canceled`
                : `${orderLabel(order)}: ${order.refunded} of ${order.captured} ${order.currency_code.toUpperCase()} refunded`,
            details: { trigger: input.trigger },
          }
        : null
    )
    const result = reverseOrderPointsStep(reversal)

    // Points the shopper spent on the order come back on cancel and, pro rata, on returns.
    attachCartRedemptionStep(
      transform({ order }, ({ order }) => (order ? { cart_id: order.cart_id, order_id: order.id } : null))
    )
    const rules = loadProgramRulesStep()
    const restored = restoreOrderRedemptionStep(
      transform({ order, rules }, ({ order, rules }) =>
        order?.customer_id
          ? {
              order_id: order.id,
              customer_id: order.customer_id,
              canceled: order.status === "canceled",
              returned_share: order.returned_share,
              reason:
                order.status === "canceled"
                  ? `${orderLabel(order)} canceled: points spent on it returned`
                  : `${orderLabel(order)}: points spent on returned items returned`,
              expires_at: expiryDate(new Date(), rules.expiry_months),
            }
          : null
      )
    )
    const restoredEvents = transform({ restored }, ({ restored }) => pointsEventsFor([restored]))
    when({ restoredEvents }, ({ restoredEvents }) => restoredEvents.length > 0).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.POINTS_RESTORED, data: restoredEvents }).config({
        name: "emit-points-restored",
      })
    )

    const events = transform({ result }, ({ result }) => pointsEventsFor([result]))
    when({ events }, ({ events }) => events.length > 0).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.POINTS_REVERSED, data: events })
    )
    return new WorkflowResponse(result)
  }
)
