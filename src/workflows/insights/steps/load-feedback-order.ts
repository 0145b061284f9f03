import { MedusaError } from "@medusajs/framework/utils"
import { transactionsTotal } from "../../../lib/shared/order-transactions"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { FeedbackOrder, feedbackRefusal } from "../../../lib/insights/feedback"
import { graphOne } from "../../shared/graph-one"

export const loadFeedbackOrderStepId = "loyalty-load-feedback-order-step"

export type OrderForFeedback = FeedbackOrder & { id: string; customer_id: string }

/**
 * The order a shopper gives feedback on, which must be theirs. Someone
 * else's order and an unknown id get the same 404, so nobody learns which
 * order ids exist. A canceled order is refused (400): it takes no feedback.
 * Reads the order's captured and refunded cash, which decide the points.
 */
export const loadFeedbackOrderStep = createStep(
  loadFeedbackOrderStepId,
  async (input: { order_id: string; customer_id: string }, { container }) => {
    const order = await graphOne(container, "order", input.order_id, ["id", "display_id", "customer_id", "status", "transactions.amount", "transactions.reference"])
    if (!order || order.customer_id !== input.customer_id || order.status === "draft") {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Order ${input.order_id} was not found`)
    }
    const result: OrderForFeedback = {
      id: order.id,
      display_id: order.display_id ?? null,
      customer_id: input.customer_id,
      status: order.status,
      captured: transactionsTotal(order.transactions, "capture"),
      refunded: transactionsTotal(order.transactions, "refund"),
    }
    const refusal = feedbackRefusal(result)
    if (refusal) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, refusal)
    }
    return new StepResponse(result)
  }
)
