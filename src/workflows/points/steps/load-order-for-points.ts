import { BigNumberInput } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { POINTS_CREDIT_LINE_REFERENCE, POINTS_RESTORED_CREDIT_LINE_REFERENCE } from "../../../lib/earning"
import { OrderForPoints, OrderMoney } from "../../../lib/order-points"

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
  "shipping_total",
  "items.id",
  "items.subtotal",
  "items.discount_subtotal",
  "items.is_giftcard",
  "items.quantity",
  "items.total",
  "items.detail.return_requested_quantity",
  "items.detail.return_received_quantity",
  "items.detail.return_dismissed_quantity",
  "cart.id",
  "credit_lines.amount",
  "credit_lines.reference",
  "credit_lines.metadata",
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
      cart_id: order.cart?.id ?? null,
      money: orderMoney(order.items ?? [], order.shipping_total ?? 0, order.credit_lines ?? []),
    }
    return new StepResponse(result)
  }
)

type ItemNow = {
  quantity?: BigNumberInput | null
  total?: BigNumberInput | null
  subtotal?: BigNumberInput | null
  discount_subtotal?: BigNumberInput | null
  is_giftcard?: boolean | null
  detail?: {
    return_requested_quantity?: BigNumberInput | null
    return_received_quantity?: BigNumberInput | null
    return_dismissed_quantity?: BigNumberInput | null
  } | null
} | null

type CreditLineNow = {
  amount?: BigNumberInput | null
  reference?: string | null
  metadata?: Record<string, unknown> | null
} | null

/**
 * The order's money as it stands now. Medusa's item totals already leave out
 * received and dismissed returns; items whose return is only requested are
 * left out here too, because Medusa already owes the shopper their price
 * (an exchange or claim settles its difference when it is requested).
 */
function orderMoney(items: ItemNow[], shippingTotal: BigNumberInput, creditLines: CreditLineNow[]): OrderMoney {
  let itemsTotal = MathBN.convert(0)
  let itemsNet = MathBN.convert(0)
  let allItems = MathBN.convert(0)
  for (const item of items) {
    if (!item) continue
    const quantity = MathBN.convert(item.quantity ?? 0)
    const detail = item.detail ?? {}
    // Medusa's totals count quantity − received − dismissed.
    const counted = MathBN.sub(
      quantity,
      MathBN.add(detail.return_received_quantity ?? 0, detail.return_dismissed_quantity ?? 0)
    )
    if (counted.lte(0)) continue
    const kept = MathBN.max(MathBN.sub(counted, detail.return_requested_quantity ?? 0), 0)
    const share = MathBN.div(kept, counted)
    const total = MathBN.mult(item.total ?? 0, share)
    allItems = MathBN.add(allItems, total)
    if (item.is_giftcard) continue
    itemsTotal = MathBN.add(itemsTotal, total)
    itemsNet = MathBN.add(itemsNet, MathBN.mult(MathBN.sub(item.subtotal ?? 0, item.discount_subtotal ?? 0), share))
  }
  let pointsCredit = MathBN.convert(0)
  let restored = MathBN.convert(0)
  let atCheckout = MathBN.convert(0)
  let later = MathBN.convert(0)
  for (const line of creditLines) {
    if (!line) continue
    const amount = MathBN.convert(line.amount ?? 0)
    if (line.reference === POINTS_CREDIT_LINE_REFERENCE) {
      pointsCredit = MathBN.add(pointsCredit, amount)
    } else if (line.reference === POINTS_RESTORED_CREDIT_LINE_REFERENCE) {
      restored = MathBN.sub(restored, amount)
    } else if (line.metadata?.created_in_version === undefined) {
      // Store credit or gift cards used at checkout: the order was placed with them.
      atCheckout = MathBN.add(atCheckout, amount)
    } else if (amount.gt(0)) {
      // Added by an order change: a refund beyond what was owed, or a waived amount.
      later = MathBN.add(later, amount)
    }
  }
  return {
    items_total: itemsTotal.toNumber(),
    items_net: itemsNet.toNumber(),
    value: MathBN.sub(MathBN.add(allItems, shippingTotal), atCheckout).toNumber(),
    points_credit: pointsCredit.toNumber(),
    points_credit_restored: restored.toNumber(),
    other_credit: later.toNumber(),
  }
}
