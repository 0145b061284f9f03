import type {
  AdminOrder,
  AdminPayment,
  AdminReturn,
  MedusaContainer,
} from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN } from "@medusajs/framework/utils"
import { EARNING_FIELDS } from "../../src/lib/points/earning"
import { earnableCreditLineOf, earnableItemOf, GraphLineItem, presentOf } from "../../src/lib/points/graph-inputs"
import { OrderForPoints, orderMoney } from "../../src/lib/points/order-points"
import { readOrdersForPoints } from "../../src/workflows/points/steps/load-order-for-points"
import { Headers, HttpClient, get, post } from "./http"
import { eventually } from "./loyalty"

/**
 * Admin-side money and return helpers. All go through the admin HTTP API, so
 * the same workflows (and events) run as when a merchant clicks in the admin:
 *
 * - capture: `capturePaymentWorkflow` (event `payment.captured`)
 * - refund: `refundPaymentWorkflow` (event `payment.refunded` with the payment id)
 * - cancel: `cancelOrderWorkflow` (event `order.canceled`; captured payments
 *   are refunded without `payment.refunded`)
 * - return received: `confirmReturnReceiveWorkflow` (event
 *   `order.return_received {order_id, return_id}`; refunds nothing)
 */

/** The order with payment collections, payments, captures, refunds and transactions. */
export async function getAdminOrder(
  api: HttpClient,
  adminHeaders: Headers,
  orderId: string,
  fields = "*payment_collections,*payment_collections.payments,*payment_collections.payments.captures,*payment_collections.payments.refunds,*transactions,*items,*credit_lines,*summary"
): Promise<AdminOrder> {
  const { order } = await get<{ order: AdminOrder }>(
    api,
    `/admin/orders/${orderId}?fields=${encodeURIComponent(fields)}`,
    adminHeaders
  )
  return order
}

/** The order's payments (across its payment collections). */
export async function getOrderPayments(
  api: HttpClient,
  adminHeaders: Headers,
  orderId: string
): Promise<AdminPayment[]> {
  const order = await getAdminOrder(
    api,
    adminHeaders,
    orderId,
    "id,*payment_collections,*payment_collections.payments"
  )
  return (order.payment_collections ?? []).flatMap((pc) => pc.payments ?? [])
}

/**
 * Captures the order's (first) payment in full, or `amount` of it.
 * `pp_system_default` authorizes only; a refund needs a captured payment.
 */
export async function capturePayment(
  api: HttpClient,
  adminHeaders: Headers,
  orderId: string,
  amount?: number
): Promise<AdminPayment> {
  const [payment] = await getOrderPayments(api, adminHeaders, orderId)
  if (!payment) {
    throw new Error(`order ${orderId} has no payment to capture`)
  }
  const { payment: captured } = await post<{ payment: AdminPayment }>(
    api,
    `/admin/payments/${payment.id}/capture`,
    amount === undefined ? {} : { amount },
    adminHeaders
  )
  return captured
}

/** Refunds `amount` (major units, e.g. 59.97 EUR) of a captured payment. */
export async function refundPayment(
  api: HttpClient,
  adminHeaders: Headers,
  paymentId: string,
  amount?: number,
  extra: { refund_reason_id?: string; note?: string } = {}
): Promise<AdminPayment> {
  const { payment } = await post<{ payment: AdminPayment }>(
    api,
    `/admin/payments/${paymentId}/refund`,
    { ...(amount === undefined ? {} : { amount }), ...extra },
    adminHeaders
  )
  return payment
}

/** Cancels the order (refused once anything is fulfilled and not canceled). */
export async function cancelOrder(
  api: HttpClient,
  adminHeaders: Headers,
  orderId: string
): Promise<AdminOrder> {
  const { order } = await post<{ order: AdminOrder }>(
    api,
    `/admin/orders/${orderId}/cancel`,
    {},
    adminHeaders
  )
  return order
}

/** Creates a fulfillment for the given order items (from `locationId` when given). */
export async function fulfillItems(
  api: HttpClient,
  adminHeaders: Headers,
  orderId: string,
  items: { id: string; quantity: number }[],
  locationId?: string
): Promise<AdminOrder> {
  const { order } = await post<{ order: AdminOrder }>(
    api,
    `/admin/orders/${orderId}/fulfillments`,
    { items, ...(locationId ? { location_id: locationId } : {}) },
    adminHeaders
  )
  return order
}

export type ReceiveReturnInput = {
  orderId: string
  /** order item ids (order.items[].id) and quantities to return */
  items: { id: string; quantity: number }[]
  /** stock location the goods come back to (the fixture's stockLocationId) */
  locationId: string
  /**
   * Fulfil the items first if they are not yet fulfilled (default true): Medusa
   * only lets fulfilled quantities be returned. Note a fulfilled order can no
   * longer be canceled.
   */
  fulfill?: boolean
}

/**
 * Requests and receives a return through the admin API, which ends with
 * `order.return_received {order_id, return_id}`:
 *
 *   POST /admin/returns {order_id, location_id}        beginReturnOrderWorkflow
 *   POST /admin/returns/:id/request-items {items}      requestItemReturnWorkflow
 *   POST /admin/returns/:id/request                    confirmReturnRequestWorkflow
 *   POST /admin/returns/:id/receive                    beginReceiveReturnWorkflow
 *   POST /admin/returns/:id/receive-items {items}      receiveItemReturnRequestWorkflow
 *   POST /admin/returns/:id/receive/confirm            confirmReturnReceiveWorkflow
 */
export async function receiveReturn(
  api: HttpClient,
  adminHeaders: Headers,
  { orderId, items, locationId, fulfill = true }: ReceiveReturnInput
): Promise<AdminReturn> {
  if (fulfill) {
    const order = await getAdminOrder(api, adminHeaders, orderId, "id,*items")
    const toFulfill = items
      .map(({ id, quantity }) => {
        const item = (order.items ?? []).find((i) => i.id === id)
        if (!item) {
          throw new Error(`order ${orderId} has no item ${id}`)
        }
        const fulfilled = Number(item.detail?.fulfilled_quantity ?? 0)
        return { id, quantity: Math.max(0, quantity - fulfilled) }
      })
      .filter((i) => i.quantity > 0)
    if (toFulfill.length) {
      await fulfillItems(api, adminHeaders, orderId, toFulfill, locationId)
    }
  }

  const { return: created } = await post<{ return: AdminReturn }>(
    api,
    "/admin/returns",
    { order_id: orderId, location_id: locationId },
    adminHeaders
  )
  const returnId = created.id

  await post(api, `/admin/returns/${returnId}/request-items`, { items }, adminHeaders)
  await post(api, `/admin/returns/${returnId}/request`, {}, adminHeaders)
  await post(api, `/admin/returns/${returnId}/receive`, {}, adminHeaders)
  await post(
    api,
    `/admin/returns/${returnId}/receive-items`,
    { items: items.map(({ id, quantity }) => ({ id, quantity })) },
    adminHeaders
  )
  const { return: received } = await post<{ return: AdminReturn }>(
    api,
    `/admin/returns/${returnId}/receive/confirm`,
    {},
    adminHeaders
  )
  return received
}

/**
 * A Medusa promotion code staff create in the admin: `amount` EUR off the
 * items, spread across them by price; `limit` uses in all (none: unlimited).
 */
export async function createPromotionCode(
  api: HttpClient,
  adminHeaders: Headers,
  { code, amount, limit }: { code: string; amount: number; limit?: number }
) {
  const { promotion } = await post<{ promotion: { id: string } }>(
    api,
    "/admin/promotions",
    {
      code,
      type: "standard",
      status: "active",
      is_automatic: false,
      ...(limit === undefined ? {} : { limit }),
      application_method: { type: "fixed", target_type: "items", allocation: "across", value: amount, currency_code: "eur" },
    },
    adminHeaders
  )
  return promotion
}

/**
 * What earning reads of an order, the way the plugin read it before it read
 * Medusa's tables itself: Query asks the order module (`listOrders` with
 * totals) and the customer module. The reference the plugin's one-statement
 * reader (`readOrdersForPoints`) is held to.
 */
const ORDER_MODULE_FIELDS = [
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
  "transactions.amount",
]

async function orderModuleReadForPoints(container: MedusaContainer, ids: string[]): Promise<OrderForPoints[]> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields: ORDER_MODULE_FIELDS, filters: { id: ids } })
  const byId = new Map(data.map((order) => [order.id, order]))
  return ids.flatMap((id) => {
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

/**
 * An order read with its amounts as exact decimal strings and its lines in
 * one order (neither reader promises one: the order module's relations come
 * as Postgres returns them), so two reads compare by value.
 */
const comparable = (order: OrderForPoints) => ({
  ...order,
  items: order.items
    .map((item) => ({
      ...item,
      subtotal: MathBN.convert(item.subtotal).toString(),
      discount_subtotal: MathBN.convert(item.discount_subtotal ?? 0).toString(),
    }))
    .sort((a, b) => (a.id ?? "").localeCompare(b.id ?? "")),
  credit_lines: order.credit_lines
    .map((line) => ({ ...line, amount: MathBN.convert(line.amount).toString() }))
    .sort((a, b) => `${a.reference}:${a.amount}`.localeCompare(`${b.reference}:${b.amount}`)),
})

/**
 * Every order in the database reads the same through the plugin's reader
 * (`readOrdersForPoints`, one statement over Medusa's order tables) as
 * through the order module: items, totals, returns, credit lines, refunds,
 * membership. Run after each test of the HTTP suites that place and change
 * orders (`checkOrderReads` in `runOnOneBoot`), so the orders every flow
 * leaves (edits, exchanges, claims, returns, cancels, refunds, points paid
 * and given back) are compared; a Medusa upgrade that changes how its
 * order module reads an order fails here. Waits for the two reads to agree
 * (a subscriber may still be changing an order when a test ends).
 */
export async function expectEarningReadsAsOrderModule(container: MedusaContainer) {
  const knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  const { rows } = await knex.raw<{ rows: { id: string }[] }>(`SELECT id FROM "order" WHERE deleted_at IS NULL ORDER BY id`)
  if (!rows.length) return
  const ids = rows.map((row) => row.id)
  await eventually(async () => {
    const [plugin, module] = await Promise.all([
      readOrdersForPoints(container, ids, { refunds: true }),
      orderModuleReadForPoints(container, ids),
    ])
    expect(plugin.map(comparable)).toEqual(module.map(comparable))
  })
}
