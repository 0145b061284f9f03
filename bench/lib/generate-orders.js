"use strict"

/**
 * Writes a synthetic store straight into Medusa's own tables with bulk SQL:
 * `customer`, `order`, `order_line_item`, `order_item` and `order_summary`
 * (version 1, totals in the same JSON shape the order module writes: a number
 * and its `raw_` twin). Allowed for benchmarks and the model test only; the
 * demo seed goes through Medusa's workflows.
 *
 * The shape: customers join uniformly over `years` before `now`; each buys
 * 1 + Exp(mean `ordersPerCustomer` − 1) orders (so a few buy a lot), spread
 * over a personal active span, after which they stop; 1 in 4 customers is a
 * guest (`has_account = false`); each customer has a typical order value
 * (20–200 EUR) and each order is within ±25 % of it (customers differ in what
 * they spend, as in a real store: the spend model has something to fit). `setseed` makes the
 * data the same on every run when `query` runs every statement on one
 * connection (a transaction, or a single client).
 *
 * @param {(sql: string) => Promise<Record<string, unknown>[]>} query  runs SQL and returns the rows
 * @param {{ customers: number, ordersPerCustomer?: number, now: Date, years?: number, prefix?: string, seed?: number }} options
 */
async function generateOrders(query, { customers, ordersPerCustomer = 10, now, years = 3, prefix = "bench", seed = 0.42 }) {
  const p = prefix.replace(/[^a-z0-9]/gi, "").toLowerCase()
  // Values are inlined as literals (numbers and an ISO date only), so any client's query function works.
  const at = `'${new Date(now).toISOString()}'::timestamptz`
  const n = (value) => {
    if (!Number.isFinite(Number(value))) throw new Error(`not a number: ${value}`)
    return Number(value)
  }
  await query(`SELECT setseed(${n(seed)})`)
  await query(`DROP TABLE IF EXISTS ${p}_customers`)
  await query(`DROP TABLE IF EXISTS ${p}_orders`)
  await query(
    `CREATE UNLOGGED TABLE ${p}_customers AS
     SELECT 'cus_${p}_' || lpad(g::text, 9, '0') AS id,
            '${p}' || g || '@example.com' AS email,
            (g % 4 <> 0) AS member,
            ${at} - (random() * ${n(years)} * interval '365 days') AS first_at,
            greatest(1, 1 + floor(-ln(1 - random()) * (${n(ordersPerCustomer)} - 1)))::int AS n_orders,
            random() AS pace,
            20 + random() * 180 AS spend
       FROM generate_series(1, ${Math.floor(n(customers))}) AS g`
  )
  await query(
    `CREATE UNLOGGED TABLE ${p}_orders AS
     SELECT row_number() OVER () AS n, c.id AS customer_id, c.email,
            CASE WHEN k = 1 THEN c.first_at
                 ELSE c.first_at + random() * least(${at} - c.first_at,
                                                   (c.n_orders * (5 + 60 * c.pace)) * interval '1 day') END AS created_at,
            round((c.spend * (0.75 + random() * 0.5))::numeric, 2) AS amount
       FROM ${p}_customers c CROSS JOIN LATERAL generate_series(1, c.n_orders) AS k`
  )
  await query(
    `INSERT INTO customer (id, email, first_name, last_name, has_account, created_at, updated_at)
     SELECT id, email, 'Bench', 'Customer', member, first_at, first_at FROM ${p}_customers`
  )
  await query(
    `INSERT INTO order_line_item (id, title, unit_price, raw_unit_price, created_at, updated_at)
     SELECT 'ordli_${p}_' || n, 'Bench item', amount, jsonb_build_object('value', amount::text, 'precision', 20), created_at, created_at
       FROM ${p}_orders`
  )
  await query(
    `INSERT INTO "order" (id, customer_id, email, currency_code, status, version, is_draft_order, created_at, updated_at)
     SELECT 'order_${p}_' || n, customer_id, email, 'eur', 'pending', 1, false, created_at, created_at FROM ${p}_orders`
  )
  await query(
    `INSERT INTO order_item (id, order_id, version, item_id, quantity, raw_quantity, fulfilled_quantity, shipped_quantity,
                             return_requested_quantity, return_received_quantity, return_dismissed_quantity, written_off_quantity,
                             created_at, updated_at)
     SELECT 'orditem_${p}_' || n, 'order_${p}_' || n, 1, 'ordli_${p}_' || n, 1, '{"value": "1", "precision": 20}'::jsonb,
            0, 0, 0, 0, 0, 0, created_at, created_at FROM ${p}_orders`
  )
  await query(
    `INSERT INTO order_summary (id, order_id, version, totals, created_at, updated_at)
     SELECT 'ordsum_${p}_' || n, 'order_${p}_' || n, 1,
            jsonb_build_object(
              'current_order_total', amount, 'raw_current_order_total', jsonb_build_object('value', amount::text, 'precision', 20),
              'original_order_total', amount, 'raw_original_order_total', jsonb_build_object('value', amount::text, 'precision', 20),
              'paid_total', 0, 'raw_paid_total', jsonb_build_object('value', '0', 'precision', 20),
              'refunded_total', 0, 'raw_refunded_total', jsonb_build_object('value', '0', 'precision', 20),
              'credit_line_total', 0, 'raw_credit_line_total', jsonb_build_object('value', '0', 'precision', 20),
              'accounting_total', amount, 'raw_accounting_total', jsonb_build_object('value', amount::text, 'precision', 20),
              'pending_difference', amount, 'raw_pending_difference', jsonb_build_object('value', amount::text, 'precision', 20),
              'transaction_total', 0, 'raw_transaction_total', jsonb_build_object('value', '0', 'precision', 20)),
            created_at, created_at
       FROM ${p}_orders`
  )
  const [counts] = await query(`SELECT (SELECT count(*) FROM ${p}_customers)::int AS customers, (SELECT count(*) FROM ${p}_orders)::int AS orders`)
  await query(`DROP TABLE ${p}_customers`)
  await query(`DROP TABLE ${p}_orders`)
  for (const table of ["customer", '"order"', "order_summary"]) {
    await query(`ANALYZE ${table}`)
  }
  return counts
}

module.exports = { generateOrders }
