import { MathBN } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { graphOne } from "../../shared/graph-one"

export const loadOrderPaymentStateStepId = "loyalty-load-order-payment-state-step"

export type OrderPaymentState = {
  id: string
  display_id: number | null
  status: string
  /** Cash captured and refunded (the order's `capture` and `refund` transactions), as decimal strings. */
  captured: string
  refunded: string
}

/** Whether an order is canceled and how much of its cash was refunded; null when it does not exist. */
export const loadOrderPaymentStateStep = createStep(
  loadOrderPaymentStateStepId,
  async (input: { order_id: string }, { container }) => {
    const order = await graphOne(container, "order", input.order_id, ["id", "display_id", "status", "transactions.amount", "transactions.reference"])
    if (!order) return new StepResponse<OrderPaymentState | null>(null)
    const sumOf = (reference: string) =>
      (order.transactions ?? [])
        .filter((t) => t?.reference === reference)
        .reduce((sum, t) => MathBN.add(sum, MathBN.abs(t?.amount ?? 0)), MathBN.convert(0))
        .toString()
    return new StepResponse<OrderPaymentState | null>({
      id: order.id,
      display_id: order.display_id ?? null,
      status: order.status,
      captured: sumOf("capture"),
      refunded: sumOf("refund"),
    })
  }
)
