"use strict"

const { generateOrders } = require("./generate-orders")

/**
 * Writes what one scheduled job finds due, `rows` of it, with bulk SQL
 * straight into a migrated store (benchmarks only): the ledger rows exactly
 * as the plugin's own writes leave them (cached account figures equal to
 * the entries' sums, lots equal to the balance), so the job's real
 * workflows run over them as over a store's own data.
 *
 * - `release`: member orders (bench/lib/generate-orders.js, placed 2-14
 *   months ago) with a pending earning each, its return window ended.
 * - `catch-up`: member orders placed in the last `placedWithinDays` days (50 unless
 *   given) with no earning (their `order.placed` handling was lost).
 * - `expire`: lots past their expiry date, 4 per member, each with the credit
 *   that made it.
 * - `tiers`: members of a Silver tier (500 points) whose period ended before the
 *   grace days, with no activity since: the review drops each one.
 * - `referrals`: rewarded referrals whose credits were never posted (the repair pass).
 *
 * @param {(sql: string) => Promise<Record<string, unknown>[]>} query  runs SQL and returns the rows
 * @param {{ job: string, rows: number, now: Date, placedWithinDays?: number }} options
 * @returns {Promise<number>} the rows written that the job finds due
 */
async function generateDue(query, { job, rows, now, placedWithinDays = 50 }) {
  const n = Math.floor(Number(rows))
  if (!Number.isFinite(n) || n < 1) throw new Error(`not a row count: ${rows}`)
  const at = `'${new Date(now).toISOString()}'::timestamptz`
  const day = 24 * 60 * 60 * 1000

  /** `count` members (customers with an account, no orders), ids `cus_<tag>_<g>`. */
  const members = async (tag, count) => {
    await query(
      `INSERT INTO customer (id, email, first_name, last_name, has_account, created_at, updated_at)
       SELECT 'cus_${tag}_' || g, '${tag}' || g || '@example.com', 'Bench', 'Member', true, ${at} - interval '2 years', ${at} - interval '2 years'
         FROM generate_series(1, ${count}) AS g`
    )
  }

  /** Member orders from the bulk generator, placed over `[placedBefore - span, placedBefore]`; the first `n` member orders by id. */
  const memberOrders = async (placedBefore, years) => {
    // About 2 orders per customer, 3 in 4 customers members: enough member orders for `n`.
    await generateOrders(query, { customers: Math.ceil((n / 1.5) * 1.15) + 10, ordersPerCustomer: 2, now: placedBefore, years })
    await query(`DROP TABLE IF EXISTS bench_due_orders`)
    await query(
      `CREATE UNLOGGED TABLE bench_due_orders AS
       SELECT o.id AS order_id, o.customer_id, row_number() OVER (ORDER BY o.id) AS k,
              floor((s.totals->>'original_order_total')::numeric)::int AS points,
              (s.totals->>'original_order_total')::numeric AS amount
         FROM "order" o JOIN customer c ON c.id = o.customer_id AND c.has_account
         JOIN order_summary s ON s.order_id = o.id
        ORDER BY o.id LIMIT ${n}`
    )
    const [{ count }] = await query(`SELECT count(*)::int AS count FROM bench_due_orders`)
    return count
  }

  if (job === "release") {
    const count = await memberOrders(new Date(now.getTime() - 61 * day), 1)
    await query(
      `INSERT INTO loyalty_account (id, customer_id, pending, lifetime_earned)
       SELECT 'lacc_bench_' || customer_id, customer_id, sum(points), sum(points) FROM bench_due_orders GROUP BY customer_id`
    )
    await query(
      `INSERT INTO loyalty_entry (id, type, points, pending_change, reason, order_id, idempotency_key, program_version, currency_code,
                                  release_at, details, account_id, created_at, updated_at)
       SELECT 'lent_bench_' || k, 'pending', points, points, 'Order ' || order_id, order_id, 'earn:order:' || order_id, 1, 'eur',
              ${at} - interval '1 hour' - (k % 100000) * interval '1 second',
              jsonb_build_object('rate', 1, 'multiplier', 1, 'total_before_points', amount, 'eligible_amount', amount),
              'lacc_bench_' || customer_id, ${at} - interval '60 days', ${at} - interval '60 days'
         FROM bench_due_orders WHERE points > 0`
    )
    await query(`DROP TABLE bench_due_orders`)
    const [{ due }] = await query(`SELECT count(*)::int AS due FROM loyalty_entry WHERE type = 'pending'`)
    return Math.min(count, due)
  }

  if (job === "catch-up") {
    return await memberOrders(now, placedWithinDays / 365)
  }

  if (job === "expire") {
    const accounts = Math.ceil(n / 4)
    await members("bexp", accounts)
    await query(
      `INSERT INTO loyalty_account (id, customer_id, balance, lifetime_earned)
       SELECT 'lacc_bexp_' || g, 'cus_bexp_' || g, 400, 400 FROM generate_series(1, ${accounts}) AS g`
    )
    // Lot k belongs to account ceil(k / 4); expiries spread over the last days, many sharing an instant.
    await query(
      `INSERT INTO loyalty_entry (id, type, points, balance_change, reason, idempotency_key, account_id, created_at, updated_at)
       SELECT 'lent_bexp_' || k, 'adjust', 100, 100, 'Bench credit', 'bench:credit:' || k, 'lacc_bexp_' || ((k + 3) / 4),
              ${at} - interval '400 days', ${at} - interval '400 days'
         FROM generate_series(1, ${accounts * 4}) AS k`
    )
    await query(
      `INSERT INTO loyalty_lot (id, entry_id, points, remaining, expires_at, account_id, created_at, updated_at)
       SELECT 'llot_bexp_' || k, 'lent_bexp_' || k, 100, 100, ${at} - interval '1 hour' - (k % 1000) * interval '1 minute',
              'lacc_bexp_' || ((k + 3) / 4), ${at} - interval '400 days', ${at} - interval '400 days'
         FROM generate_series(1, ${accounts * 4}) AS k`
    )
    return accounts * 4
  }

  if (job === "tiers") {
    await members("btier", n)
    await query(
      `INSERT INTO loyalty_tier (id, name, rank, metric, threshold, earn_multiplier)
       VALUES ('ltier_bench_silver', 'Silver', 1, 'points', 500, 1.25)`
    )
    await query(
      `INSERT INTO loyalty_tier_membership (id, customer_id, tier_id, earned_tier_id, qualified_at, qualified_until, created_at, updated_at)
       SELECT 'ltmem_btier_' || g, 'cus_btier_' || g, 'ltier_bench_silver', 'ltier_bench_silver',
              ${at} - interval '13 months', ${at} - interval '40 days' - (g % 1000) * interval '1 minute',
              ${at} - interval '13 months', ${at} - interval '13 months'
         FROM generate_series(1, ${n}) AS g`
    )
    return n
  }

  if (job === "referrals") {
    await members("bref", n + 1)
    await query(
      `INSERT INTO loyalty_referral (id, code, referrer_id, referee_id, status, flags, program_version, referrer_points, referee_points,
                                     min_order_amounts, claimed_at, qualified_at, rewarded_at, created_at, updated_at)
       SELECT 'lref_bench_' || g, 'BENCH' || g, 'cus_bref_' || (g + 1), 'cus_bref_' || g, 'rewarded', '[]'::jsonb, 1, 500, 250,
              '{}'::jsonb, ${at} - interval '30 days', ${at} - interval '20 days', ${at} - interval '1 day' - (g % 1000) * interval '1 minute',
              ${at} - interval '30 days', ${at} - interval '1 day'
         FROM generate_series(1, ${n}) AS g`
    )
    return n
  }

  throw new Error(`unknown job ${job}`)
}

module.exports = { generateDue, JOBS: ["release", "catch-up", "expire", "tiers", "referrals"] }
