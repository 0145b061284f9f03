import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { POINTS_CREDIT_LINE_REFERENCE } from "../../../lib/points/earning"
import { OrderFactInput } from "../../../modules/loyalty-points/types"

/** The orders the replay counts (placed, not drafts, a customer's). */
export const REPLAYED_ORDER = `o.deleted_at IS NULL AND o.customer_id IS NOT NULL AND o.is_draft_order = false AND o.status <> 'draft'`

/** A line's net before tax (taken out when the price included it), and its adjustments' share before tax. */
const LINE_SUBTOTAL = `CASE WHEN li.is_tax_inclusive THEN li.unit_price * oi.quantity / (1 + coalesce(tx.rate, 0) / 100)
                           ELSE li.unit_price * oi.quantity END`
const LINE_DISCOUNT = `coalesce(CASE WHEN li.is_tax_inclusive THEN adj.inclusive / (1 + coalesce(tx.rate, 0) / 100) ELSE 0 END
                              + adj.exclusive, 0)`

/**
 * The facts of these orders from Medusa's own tables as the order was
 * placed: the first version's lines (net of tax when the price included it,
 * their adjustments as discounts), the first summary's total (only the
 * total leaves its JSON), the points paid (our credit lines). An order
 * without a summary has none. Binding: the order ids.
 */
const FACTS_SQL = `
  WITH o AS MATERIALIZED (
    SELECT o.id, o.customer_id, lower(o.currency_code) AS currency_code, o.created_at, o.sales_channel_id
      FROM "order" o WHERE o.id = ANY(?)
  ),
  s AS MATERIALIZED (
    SELECT s.order_id, coalesce((s.totals->'raw_original_order_total'->>'value')::numeric,
                                (s.totals->>'original_order_total')::numeric, 0) AS total
      FROM o JOIN order_summary s ON s.order_id = o.id AND s.version = 1 AND s.deleted_at IS NULL
  ),
  l AS MATERIALIZED (
    SELECT oi.order_id,
           jsonb_agg(jsonb_build_object('id', li.id, 'product_id', li.product_id,
                                        'subtotal', (${LINE_SUBTOTAL})::text, 'discount_subtotal', (${LINE_DISCOUNT})::text,
                                        'is_giftcard', coalesce(li.is_giftcard, false)) ORDER BY li.id) AS lines,
           coalesce(sum(${LINE_SUBTOTAL} - ${LINE_DISCOUNT}) FILTER (WHERE NOT coalesce(li.is_giftcard, false)), 0) AS items_net
      FROM o
      JOIN order_item oi ON oi.order_id = o.id AND oi.version = 1 AND oi.deleted_at IS NULL
      JOIN order_line_item li ON li.id = oi.item_id
      LEFT JOIN LATERAL (SELECT sum(t.rate) AS rate FROM order_line_item_tax_line t WHERE t.item_id = li.id) tx ON true
      LEFT JOIN LATERAL (SELECT sum(a.amount) FILTER (WHERE a.is_tax_inclusive) AS inclusive,
                                coalesce(sum(a.amount) FILTER (WHERE NOT a.is_tax_inclusive), 0) AS exclusive
                           FROM order_line_item_adjustment a
                          WHERE a.item_id = li.id AND a.version = 1 AND a.deleted_at IS NULL) adj ON true
     GROUP BY oi.order_id
  )
  SELECT o.id AS order_id, o.customer_id, o.currency_code, o.created_at AS placed_at, o.sales_channel_id,
         s.total::text AS total, coalesce(l.items_net, 0)::text AS items_net, coalesce(pc.amount, 0)::text AS points_credit,
         coalesce(l.lines, '[]'::jsonb) AS lines
    FROM o
    JOIN s ON s.order_id = o.id
    LEFT JOIN l ON l.order_id = o.id
    LEFT JOIN LATERAL (SELECT sum(c.amount) AS amount FROM order_credit_line c
                        WHERE c.order_id = o.id AND c.reference = '${POINTS_CREDIT_LINE_REFERENCE}' AND c.deleted_at IS NULL) pc ON true`

/**
 * What earning reads of these orders, from Medusa's order tables: for the
 * orders the what-if replay finds without facts (placed before the plugin,
 * or whose award never ran). The replay hands them to the points module,
 * which keeps them, so each order is read this way once. A cross-module
 * read with Medusa's Postgres connection, by index (a slice of a cursor at
 * a time).
 */
export async function readMissingFacts(pg: Knex, orderIds: string[]): Promise<OrderFactInput[]> {
  if (!orderIds.length) return []
  const { rows } = (await pg.raw(FACTS_SQL, [orderIds] as unknown as Knex.RawBinding[])) as { rows: Omit<OrderFactInput, "source">[] }
  return rows.map((row) => ({ ...row, source: "history" as const }))
}

/**
 * Up to `limit` ids of orders the replay counts that have no earning facts
 * yet, after `after` in id order (keyset: the next call starts after the
 * last id returned). Walks the orders' primary key and probes the facts'
 * order index, so it stops as soon as it has found `limit`.
 */
export async function ordersWithoutFacts(pg: Knex, after: string | null, limit: number): Promise<string[]> {
  const { rows } = (await pg.raw(
    `SELECT o.id FROM "order" o
      WHERE ${REPLAYED_ORDER} AND o.id > ?
        AND NOT EXISTS (SELECT 1 FROM loyalty_order_fact f WHERE f.order_id = o.id AND f.deleted_at IS NULL)
      ORDER BY o.id LIMIT ?`,
    [after ?? "", limit]
  )) as { rows: { id: string }[] }
  return rows.map((row) => row.id)
}
