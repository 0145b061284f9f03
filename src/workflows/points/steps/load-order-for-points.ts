import type { RemoteQueryFunction } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { EARNING_FIELDS, POINTS_CREDIT_LINE_REFERENCE } from "../../../lib/points/earning"
import { earnableCreditLineOf, earnableItemOf, GraphLineItem, presentOf } from "../../../lib/points/graph-inputs"
import { OrderForPoints, orderMoney } from "../../../lib/points/order-points"

export type { OrderForPoints }

export const loadOrderForPointsStepId = "loyalty-load-order-for-points-step"

export const ORDER_FOR_POINTS_FIELDS = [
  "id",
  "display_id",
  "currency_code",
  "status",
  "created_at",
  "customer_id",
  "sales_channel_id",
  "customer.has_account",
  ...EARNING_FIELDS,
  "items.product_id",
  "items.quantity",
  "items.total",
  "items.detail.return_requested_quantity",
  "items.detail.return_received_quantity",
  "items.detail.return_dismissed_quantity",
  "credit_lines.amount",
  "credit_lines.reference",
  "credit_lines.metadata",
]

/**
 * The order's money transactions: the negative ones are cash refunded, which
 * a recomputation does not give back again in points (`orderPointsTargets`).
 * Read only where an order is recomputed: the award of an order just placed
 * has none, and checkout's award is not made to read them.
 */
export const ORDER_REFUND_FIELDS = ["transactions.amount"]

/**
 * Read an order with its totals, its customer's membership and its money
 * movements; null when the order does not exist (an event for a deleted or
 * foreign order is not an error worth retrying). One `query.graph` of the
 * order (`readOrdersForPoints`: three statements, the order with its items,
 * tax lines and credit lines, then the items' and the shipping's adjustments
 * for the totals) and one of the customer. The cart the order was placed
 * from matters only when points paid for it (its debit was written against
 * the cart: a points credit line on the cart, copied to the order, is what
 * made the checkout debit them), so the link to the cart is read only then.
 */
export const loadOrderForPointsStep = createStep(
  loadOrderForPointsStepId,
  async (input: { order_id: string; refunds?: boolean }, { container }) => {
    const [order] = await readOrdersForPoints(container.resolve(ContainerRegistrationKeys.QUERY), [input.order_id], {
      refunds: input.refunds,
    })
    if (!order) {
      return new StepResponse(null)
    }
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const result: OrderForPoints = {
      ...order,
      cart_id: paidWithPoints(order.credit_lines) ? await cartOfOrder(query, order.id) : null,
    }
    return new StepResponse(result)
  }
)

/**
 * Orders as earning reads them (`OrderForPoints`, without the cart: `cart_id`
 * is null, `loadOrderForPointsStep` adds it for an order paid with points),
 * in one `query.graph` whatever their number, in the order of `orderIds`;
 * ids of orders that do not exist are left out. The per-order award and the
 * earnings catch-up's page read orders through this one reader. With
 * `refunds`, the cash refunded is read too (`money.refunded`); without, it
 * counts as none.
 */
export async function readOrdersForPoints(
  query: Pick<RemoteQueryFunction, "graph">,
  orderIds: string[],
  { refunds = false }: { refunds?: boolean } = {}
): Promise<OrderForPoints[]> {
  if (!orderIds.length) return []
  const fields = refunds ? [...ORDER_FOR_POINTS_FIELDS, ...ORDER_REFUND_FIELDS] : ORDER_FOR_POINTS_FIELDS
  const { data } = await query.graph({ entity: "order", fields, filters: { id: orderIds } })
  const byId = new Map(data.map((order) => [order.id as string, order]))
  return orderIds.flatMap((id) => {
    const order = byId.get(id)
    if (!order) return []
    return [
      {
        id: order.id,
        display_id: order.display_id ?? null,
        currency_code: order.currency_code,
        status: order.status,
        created_at: new Date(order.created_at as unknown as string),
        customer_id: order.customer_id ?? null,
        sales_channel_id: order.sales_channel_id ?? null,
        is_member: !!order.customer?.has_account,
        total: MathBN.convert(order.total ?? 0).toNumber(),
        items: presentOf<GraphLineItem & { product_id?: string | null }>(order.items).map((item) => ({ ...earnableItemOf(item), product_id: item.product_id ?? null })),
        credit_lines: presentOf(order.credit_lines).map(earnableCreditLineOf),
        cart_id: null,
        money: orderMoney(order.items ?? [], order.shipping_total ?? 0, order.credit_lines ?? [], order.transactions ?? []),
      },
    ]
  })
}

const paidWithPoints = (lines: ({ reference?: string | null } | null)[] | null | undefined) =>
  (lines ?? []).some((line) => line?.reference === POINTS_CREDIT_LINE_REFERENCE)

/** The cart an order was placed from: one read of Medusa's order ↔ cart link table. */
async function cartOfOrder(query: Pick<RemoteQueryFunction, "graph">, orderId: string): Promise<string | null> {
  const { data } = await query.graph({ entity: "order_cart", fields: ["cart_id"], filters: { order_id: orderId } })
  return (data[0] as { cart_id?: string } | undefined)?.cart_id ?? null
}
