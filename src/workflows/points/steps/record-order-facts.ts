import { MathBN } from "@medusajs/framework/utils"
import { POINTS_CREDIT_LINE_REFERENCE } from "../../../lib/points/earning"
import { OrderForPoints } from "../../../lib/points/order-points"
import { OrderFactInput } from "../../../modules/loyalty-points/types"

/**
 * What earning reads of an order, from the award's own input: the items'
 * net (after discounts, before tax, gift cards left out, as
 * `computeEarning` adds it), the total paid, the points paid with, each
 * line. The what-if replay reads these one-row facts instead of Medusa's
 * order tables, and since they are the award's input the replay of the
 * rules in force gives what the award gave.
 */
export function orderFacts(order: OrderForPoints): OrderFactInput | null {
  if (!order.customer_id || order.status === "draft") return null
  const str = (value: Parameters<typeof MathBN.convert>[0] | null | undefined) => MathBN.convert(value ?? 0).toString()
  const lines = order.items.map((item, i) => ({
    id: item.id ?? `line-${i + 1}`,
    product_id: item.product_id ?? null,
    subtotal: str(item.subtotal),
    discount_subtotal: str(item.discount_subtotal),
    is_giftcard: !!item.is_giftcard,
  }))
  const itemsNet = lines
    .filter((line) => !line.is_giftcard)
    .reduce((sum, line) => MathBN.add(sum, MathBN.sub(line.subtotal, line.discount_subtotal)), MathBN.convert(0))
  const pointsCredit = order.credit_lines
    .filter((line) => line.reference === POINTS_CREDIT_LINE_REFERENCE)
    .reduce((sum, line) => MathBN.add(sum, line.amount), MathBN.convert(0))
  return {
    order_id: order.id,
    customer_id: order.customer_id,
    currency_code: order.currency_code.toLowerCase(),
    placed_at: order.created_at,
    sales_channel_id: order.sales_channel_id ?? null,
    total: str(order.total),
    items_net: itemsNet.toString(),
    points_credit: pointsCredit.toString(),
    lines,
    source: "award",
  }
}
