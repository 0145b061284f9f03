import { BigNumberInput } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OrderForPoints } from "../../../lib/order-points"

export type { OrderForPoints }

export const loadOrderForPointsStepId = "load-order-for-loyalty-points"

const ORDER_FIELDS = [
  "id",
  "display_id",
  "currency_code",
  "status",
  "created_at",
  "customer_id",
  "customer.has_account",
  "total",
  "items.id",
  "items.subtotal",
  "items.discount_subtotal",
  "items.is_giftcard",
  "items.quantity",
  "items.total",
  "items.detail.return_received_quantity",
  "cart.id",
  "credit_lines.amount",
  "credit_lines.reference",
  "transactions.amount",
  "transactions.reference",
]

/**
 * Read an order with its totals, its customer's membership and its money
 * movements; null when the order does not exist (an event for a deleted or
 * foreign order is not an error worth retrying).
 */
export const loadOrderForPointsStep = createStep(
  loadOrderForPointsStepId,
  async (input: { order_id: string }, { container }) => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data } = await query.graph({
      entity: "order",
      fields: ORDER_FIELDS,
      filters: { id: input.order_id },
    })
    const order = data[0]
    if (!order) {
      return new StepResponse(null)
    }
    const transactions = (order.transactions ?? []).filter(Boolean)
    const sumOf = (reference: string) =>
      transactions
        .filter((t) => t?.reference === reference)
        .reduce((sum, t) => MathBN.add(sum, MathBN.abs(t?.amount ?? 0)), MathBN.convert(0))
        .toNumber()

    const result: OrderForPoints = {
      id: order.id,
      display_id: order.display_id ?? null,
      currency_code: order.currency_code,
      status: order.status,
      created_at: new Date(order.created_at as unknown as string),
      customer_id: order.customer_id ?? null,
      is_member: !!order.customer?.has_account,
      total: MathBN.convert(order.total ?? 0).toNumber(),
      items: (order.items ?? []).filter(Boolean).map((item) => ({
        subtotal: item!.subtotal ?? 0,
        discount_subtotal: item!.discount_subtotal ?? 0,
        is_giftcard: item!.is_giftcard ?? false,
      })),
      credit_lines: (order.credit_lines ?? []).filter(Boolean).map((line) => ({
        amount: line!.amount ?? 0,
        reference: line!.reference ?? null,
      })),
      captured: sumOf("capture"),
      refunded: sumOf("refund"),
      cart_id: order.cart?.id ?? null,
      returned_share: returnedShare(order.items ?? []),
    }
    return new StepResponse(result)
  }
)

type ItemForReturns = {
  quantity?: BigNumberInput | null
  total?: BigNumberInput | null
  detail?: { return_received_quantity?: BigNumberInput | null } | null
} | null

/** Received returns' share of the order's item value. */
function returnedShare(items: ItemForReturns[]): number {
  let value = MathBN.convert(0)
  let returned = MathBN.convert(0)
  for (const item of items) {
    if (!item) continue
    const quantity = MathBN.convert(item.quantity ?? 0)
    const total = MathBN.convert(item.total ?? 0)
    value = MathBN.add(value, total)
    if (quantity.gt(0)) {
      const back = MathBN.convert(item.detail?.return_received_quantity ?? 0)
      returned = MathBN.add(returned, MathBN.div(MathBN.mult(total, back), quantity))
    }
  }
  return value.lte(0) ? 0 : MathBN.div(returned, value).toNumber()
}
