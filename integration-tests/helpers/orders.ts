import type {
  AdminOrder,
  AdminPayment,
  AdminReturn,
} from "@medusajs/framework/types"
import { Headers, HttpClient, get, post } from "./http"

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
