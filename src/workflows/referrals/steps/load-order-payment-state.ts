import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { transactionsTotal } from "../../../lib/shared/order-transactions"
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

/**
 * Whether some orders are canceled and how much of their cash was refunded,
 * in one read; orders that do not exist are missing from the map.
 */
export async function loadOrderPaymentStates(container: MedusaContainer, orderIds: string[]): Promise<Map<string, OrderPaymentState>> {
  const ids = [...new Set(orderIds)]
  if (!ids.length) return new Map()
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "order",
    fields: ["id", "display_id", "status", "transactions.amount", "transactions.reference"],
    filters: { id: ids },
  })
  return new Map(
    data.map((order) => {
      const state: OrderPaymentState = {
        id: order.id,
        display_id: order.display_id ?? null,
        status: order.status,
        captured: transactionsTotal(order.transactions, "capture"),
        refunded: transactionsTotal(order.transactions, "refund"),
      }
      return [order.id, state]
    })
  )
}

/** Whether an order is canceled and how much of its cash was refunded; null when it does not exist. */
export const loadOrderPaymentStateStep = createStep(
  loadOrderPaymentStateStepId,
  async (input: { order_id: string }, { container }) => {
    const states = await loadOrderPaymentStates(container, [input.order_id])
    return new StepResponse<OrderPaymentState | null>(states.get(input.order_id) ?? null)
  }
)
