import { ContainerRegistrationKeys, MathBN } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"

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
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data } = await query.graph({
      entity: "order",
      fields: ["id", "display_id", "status", "transactions.amount", "transactions.reference"],
      filters: { id: input.order_id },
    })
    const order = data[0]
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
