import type { BigNumberRawValue, BigNumberValue, MedusaContainer, RemoteQueryFunction } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, decorateCartTotals, MathBN } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { POINTS_CREDIT_LINE_REFERENCE } from "../../../lib/points/earning"
import { earnableCreditLineOf, earnableItemOf, presentOf } from "../../../lib/points/graph-inputs"
import { ItemNow, OrderForPoints, orderMoney } from "../../../lib/points/order-points"

export type { OrderForPoints }

export const loadOrderForPointsStepId = "loyalty-load-order-for-points-step"

/**
 * Read an order with its totals, its customer's membership and its money
 * movements; null when the order does not exist (an event for a deleted or
 * foreign order is not an error worth retrying), in one statement
 * (`readOrdersForPoints`). With `refunds`, the order's transactions too: the
 * negative ones are cash refunded, which a recomputation does not give back
 * again in points (`orderPointsTargets`); the award of an order just placed
 * has none and does not read them. The cart the order was placed from
 * matters only when points paid for it (its debit was written against the
 * cart: a points credit line on the cart, copied to the order, is what made
 * the checkout debit them), so the link to the cart is read only then.
 */
export const loadOrderForPointsStep = createStep(
  loadOrderForPointsStepId,
  async (input: { order_id: string; refunds?: boolean }, { container }) => {
    const [order] = await readOrdersForPoints(container, [input.order_id], { refunds: input.refunds })
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
 * in one statement whatever their number, in the order of `orderIds`; ids of
 * orders that do not exist are left out. The per-order award, the earnings
 * catch-up's page and the release's reversal check read orders through this
 * one reader. With `refunds`, the cash refunded is read too
 * (`money.refunded`); without, it counts as none.
 *
 * The money is Medusa's own: the rows the order module reads for an order's
 * totals (`ORDER_TOTALS_SQL`: the current version's items, tax lines and
 * adjustments, shipping methods and credit lines) go through the order
 * module's own arithmetic, `decorateCartTotals`, as its `listOrders` does
 * when asked for `total`. Read with one statement instead of through the
 * module because this read follows every checkout: through `listOrders` (or
 * `query.graph`, which asks it) the order's entities were most of the
 * award's CPU, about 9 ms of 28 an order on the bench machine, against under
 * 1 ms here. The order-flow HTTP suites check it against the order
 * module's read of every order their tests leave (edits, exchanges, claims,
 * returns, refunds: `expectEarningReadsAsOrderModule`), so a Medusa upgrade
 * that changes how the module reads an order fails there first.
 */
export async function readOrdersForPoints(
  container: Pick<MedusaContainer, "resolve">,
  orderIds: string[],
  { refunds = false }: { refunds?: boolean } = {}
): Promise<OrderForPoints[]> {
  if (!orderIds.length) return []
  const knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  const { rows } = await knex.raw<{ rows: OrderTotalsRow[] }>(ORDER_TOTALS_SQL, [refunds, orderIds])
  const byId = new Map(rows.map((row) => [row.id, row]))
  return orderIds.flatMap((id) => {
    const row = byId.get(id)
    return row ? [orderForPoints(row)] : []
  })
}

/** A quantity of an order item's (`order_item`) that Medusa's totals read from the item's `detail`. */
const DETAIL_QUANTITIES = [
  "fulfilled_quantity",
  "shipped_quantity",
  "delivered_quantity",
  "return_requested_quantity",
  "return_received_quantity",
  "return_dismissed_quantity",
  "written_off_quantity",
] as const

type DetailQuantity = (typeof DETAIL_QUANTITIES)[number]

/** One order as `ORDER_TOTALS_SQL` returns it; amounts are Medusa's raw big numbers (`{ value, precision }`). */
type OrderTotalsRow = {
  id: string
  display_id: number | null
  currency_code: string
  status: string
  created_at: Date
  customer_id: string | null
  sales_channel_id: string | null
  has_account: boolean | null
  items: {
    id: string
    product_id: string | null
    is_giftcard: boolean | null
    is_tax_inclusive: boolean
    unit_price: BigNumberRawValue
    quantity: BigNumberRawValue
    detail: Record<DetailQuantity, BigNumberRawValue | null>
    tax_rates: BigNumberRawValue[]
    adjustments: { amount: BigNumberRawValue; is_tax_inclusive: boolean | null }[]
  }[]
  shipping_methods: {
    id: string
    amount: BigNumberRawValue
    is_tax_inclusive: boolean
    tax_rates: BigNumberRawValue[]
    adjustments: { amount: BigNumberRawValue }[]
  }[]
  credit_lines: { amount: BigNumberRawValue; reference: string | null; metadata: Record<string, unknown> | null }[]
  transactions: { amount: BigNumberRawValue }[]
}

/**
 * What the order module reads for an order's totals, as it reads it
 * (`@medusajs/order`'s repository `find`): the order's current version of
 * its items (`order_item`, with the line item and the item's own price when
 * an edit set one), of their adjustments, of its shipping methods and their
 * adjustments, and of its credit lines; the tax lines of each item and
 * method; soft-deleted rows left out. The transactions (all versions, as the
 * module reads them) only when asked. The customer's `has_account`
 * is the customer module's, read here in the same statement. Bindings:
 * whether to read the transactions, the order ids.
 */
const ORDER_TOTALS_SQL = `
  SELECT o.id, o.display_id, o.currency_code, o.status, o.created_at, o.customer_id, o.sales_channel_id,
         c.has_account,
         (SELECT coalesce(json_agg(json_build_object(
                   'id', li.id, 'product_id', li.product_id, 'is_giftcard', li.is_giftcard,
                   'is_tax_inclusive', li.is_tax_inclusive,
                   'unit_price', CASE WHEN oi.unit_price IS NOT NULL THEN oi.raw_unit_price ELSE li.raw_unit_price END,
                   'quantity', oi.raw_quantity,
                   'detail', json_build_object(${DETAIL_QUANTITIES.map((field) => `'${field}', oi.raw_${field}`).join(", ")}),
                   'tax_rates', (SELECT coalesce(json_agg(t.raw_rate ORDER BY t.id), '[]') FROM order_line_item_tax_line t
                                  WHERE t.item_id = li.id AND t.deleted_at IS NULL),
                   'adjustments', (SELECT coalesce(json_agg(json_build_object('amount', a.raw_amount, 'is_tax_inclusive', a.is_tax_inclusive) ORDER BY a.id), '[]')
                                     FROM order_line_item_adjustment a
                                    WHERE a.item_id = li.id AND a.version = oi.version AND a.deleted_at IS NULL)
                 ) ORDER BY li.id), '[]')
            FROM order_item oi JOIN order_line_item li ON li.id = oi.item_id AND li.deleted_at IS NULL
           WHERE oi.order_id = o.id AND oi.version = o.version AND oi.deleted_at IS NULL) AS items,
         (SELECT coalesce(json_agg(json_build_object(
                   'id', sm.id, 'amount', sm.raw_amount, 'is_tax_inclusive', sm.is_tax_inclusive,
                   'tax_rates', (SELECT coalesce(json_agg(t.raw_rate ORDER BY t.id), '[]') FROM order_shipping_method_tax_line t
                                  WHERE t.shipping_method_id = sm.id AND t.deleted_at IS NULL),
                   'adjustments', (SELECT coalesce(json_agg(json_build_object('amount', a.raw_amount) ORDER BY a.id), '[]')
                                     FROM order_shipping_method_adjustment a
                                    WHERE a.shipping_method_id = sm.id AND a.version = os.version AND a.deleted_at IS NULL)
                 ) ORDER BY os.id), '[]')
            FROM order_shipping os JOIN order_shipping_method sm ON sm.id = os.shipping_method_id AND sm.deleted_at IS NULL
           WHERE os.order_id = o.id AND os.version = o.version AND os.deleted_at IS NULL) AS shipping_methods,
         (SELECT coalesce(json_agg(json_build_object('amount', cl.raw_amount, 'reference', cl.reference, 'metadata', cl.metadata) ORDER BY cl.id), '[]')
            FROM order_credit_line cl
           WHERE cl.order_id = o.id AND cl.version = o.version AND cl.deleted_at IS NULL) AS credit_lines,
         CASE WHEN ? THEN
           (SELECT coalesce(json_agg(json_build_object('amount', tr.raw_amount) ORDER BY tr.id), '[]')
              FROM order_transaction tr WHERE tr.order_id = o.id AND tr.deleted_at IS NULL)
         ELSE '[]' END AS transactions
    FROM "order" o
    LEFT JOIN customer c ON c.id = o.customer_id AND c.deleted_at IS NULL
   WHERE o.id = ANY(?) AND o.deleted_at IS NULL`

/** A line as Medusa's totals take it, and what they write on it (`decorateCartTotals` assigns each line its totals). */
type LineForTotals = {
  id: string
  unit_price: BigNumberRawValue
  quantity: BigNumberRawValue
  is_tax_inclusive: boolean
  tax_lines: { rate: BigNumberRawValue }[]
  adjustments: { amount: BigNumberRawValue; is_tax_inclusive?: boolean }[]
  detail: Partial<Record<DetailQuantity, BigNumberRawValue>>
  subtotal?: BigNumberValue
  discount_subtotal?: BigNumberValue
  total?: BigNumberValue
}

/** An order row with Medusa's totals, as earning reads it. */
function orderForPoints(row: OrderTotalsRow): OrderForPoints {
  const lines: LineForTotals[] = row.items.map((item) => ({
    id: item.id,
    unit_price: item.unit_price,
    quantity: item.quantity,
    is_tax_inclusive: item.is_tax_inclusive,
    tax_lines: item.tax_rates.map((rate) => ({ rate })),
    adjustments: item.adjustments.map((adjustment) => ({
      amount: adjustment.amount,
      ...(adjustment.is_tax_inclusive === null ? {} : { is_tax_inclusive: adjustment.is_tax_inclusive }),
    })),
    detail: Object.fromEntries(DETAIL_QUANTITIES.flatMap((field) => (item.detail[field] ? [[field, item.detail[field]]] : []))),
  }))
  const totals = decorateCartTotals({
    currency_code: row.currency_code,
    items: lines,
    shipping_methods: row.shipping_methods.map((method) => ({
      id: method.id,
      amount: method.amount,
      is_tax_inclusive: method.is_tax_inclusive,
      tax_lines: method.tax_rates.map((rate) => ({ rate })),
      adjustments: method.adjustments,
    })),
    credit_lines: row.credit_lines.map((line) => ({ amount: line.amount })),
  })
  const items: ItemNow[] = row.items.map((item, i) => ({
    id: item.id,
    quantity: item.quantity,
    subtotal: lines[i].subtotal,
    discount_subtotal: lines[i].discount_subtotal,
    total: lines[i].total,
    is_giftcard: item.is_giftcard,
    detail: lines[i].detail,
  }))
  return {
    id: row.id,
    display_id: row.display_id ?? null,
    currency_code: row.currency_code,
    status: row.status,
    created_at: new Date(row.created_at),
    customer_id: row.customer_id ?? null,
    sales_channel_id: row.sales_channel_id ?? null,
    is_member: !!row.has_account,
    total: MathBN.convert(totals.total).toNumber(),
    items: row.items.map((item, i) => ({ ...earnableItemOf(items[i]!), product_id: item.product_id ?? null })),
    credit_lines: row.credit_lines.map(earnableCreditLineOf),
    cart_id: null,
    money: orderMoney(items, totals.shipping_total, row.credit_lines, row.transactions),
  }
}

const paidWithPoints = (lines: ({ reference?: string | null } | null)[] | null | undefined) =>
  (lines ?? []).some((line) => line?.reference === POINTS_CREDIT_LINE_REFERENCE)

/** The cart an order was placed from: one read of Medusa's order ↔ cart link table. */
async function cartOfOrder(query: Pick<RemoteQueryFunction, "graph">, orderId: string): Promise<string | null> {
  const { data } = await query.graph({ entity: "order_cart", fields: ["cart_id"], filters: { order_id: orderId } })
  return (data[0] as { cart_id?: string } | undefined)?.cart_id ?? null
}
