import { PassThrough, Readable } from "stream"
import { finished } from "stream/promises"
import type { ClientBase } from "pg"
import { to as copyTo } from "pg-copy-streams"
import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { kpiMetrics, KpiCounts } from "../../lib/insights/kpis"
import { HOLDOUT_DAYS } from "../../modules/loyalty-insights/service"
import { FACT_STREAM_COLUMNS } from "../../modules/loyalty-insights/copy-facts"
import type { KpiInput, KpiMetrics, KpiRow, KpiWindow } from "../../modules/loyalty-insights/types"

/**
 * What a recompute reads outside the insights module: Medusa's orders,
 * order summaries, customers and customer groups, the points ledger and the
 * referrals. Read with the Postgres connection Medusa provides
 * (`ContainerRegistrationKeys.PG_CONNECTION`) by the recompute's workflow
 * steps, always set-based (never a query per customer), and handed to the
 * insights module as plain facts: the module reads and writes only its own
 * tables.
 */


/**
 * Who must join and who must leave a customer group so that it holds exactly
 * `members` (a segment's customers, from the insights module): two set-based
 * queries against Medusa's `customer_group_customer`.
 */
export async function segmentGroupDiff(
  pg: Knex,
  groupId: string,
  members: string[]
): Promise<{ add: string[]; remove: string[] }> {
  const add = await pg.raw(
    `SELECT m.id AS customer_id FROM unnest(?::text[]) AS m(id)
      WHERE NOT EXISTS (SELECT 1 FROM customer_group_customer g
                         WHERE g.customer_group_id = ? AND g.customer_id = m.id AND g.deleted_at IS NULL)
      ORDER BY m.id`,
    [members, groupId] as unknown as Knex.RawBinding[]
  )
  const remove = await pg.raw(
    `SELECT g.customer_id FROM customer_group_customer g
      WHERE g.customer_group_id = ? AND g.deleted_at IS NULL AND NOT (g.customer_id = ANY(?::text[]))
      ORDER BY g.customer_id`,
    [groupId, members] as unknown as Knex.RawBinding[]
  )
  return {
    add: add.rows.map((row: { customer_id: string }) => row.customer_id),
    remove: remove.rows.map((row: { customer_id: string }) => row.customer_id),
  }
}

/** Customers soft-deleted in Medusa: lists and exports of a run leave them out (no email or name of theirs leaves). */
export async function deletedCustomerIds(pg: Knex): Promise<string[]> {
  const { rows } = await pg.raw(`SELECT id FROM customer WHERE deleted_at IS NOT NULL`)
  return rows.map((row: { id: string }) => row.id)
}

/**
 * The program KPIs by month (`input.months` months up to `now`'s) and over
 * the last `input.days` days, for members, non-members and all. Orders are
 * read once for both (see `readOrderKpiCounts`); the ledger, referrals and
 * feedback are small and grouped once each.
 */
export async function readKpis(
  knex: Knex,
  input: KpiInput & { days: number }
): Promise<{ monthly: KpiRow[]; window: KpiWindow }> {
  const orders = await readOrderKpiCounts(knex, input)
  return {
    monthly: await readMonthlyKpis(knex, input, orders.monthly),
    window: await readKpiWindow(knex, input, orders.window),
  }
}

/** Months as [start, end) in UTC, oldest first, up to `now`'s month (bindings: now, months, now). */
const MONTHS_CTE = `
    months AS (
      SELECT m::date AS start, (m + interval '1 month')::date AS stop, to_char(m, 'YYYY-MM') AS month
        FROM generate_series(date_trunc('month', (?::timestamptz AT TIME ZONE 'UTC')) - (? - 1) * interval '1 month',
                             date_trunc('month', (?::timestamptz AT TIME ZONE 'UTC')), interval '1 month') AS m
    )`

const kpiMonths = (input: KpiInput) => Math.max(1, Math.min(input.months, 60))

const kpiRates = (input: KpiInput) =>
  JSON.stringify({ ...lowerKeys(input.currency_rates), [input.currency_code.toLowerCase()]: 1 })

/** The window [start, stop] of the last `days` days and the `days` before it (for retention). */
function kpiWindow(input: { now: Date; days: number }) {
  const stop = new Date(input.now)
  const start = new Date(stop.getTime() - input.days * DAY_MS)
  const previous = new Date(start.getTime() - input.days * DAY_MS)
  return { stop, start, previous }
}

/**
 * The order counts of the monthly KPIs and of the last `days` days, with one
 * pass over the orders: they are grouped once by customer and month, with
 * what falls in the last `days` days and in the `days` before as filtered
 * aggregates; every monthly and window figure is then a window or a small
 * join over those groups, never a scan per month or per period. Orders
 * older than the months reported (and the month before them) and the two
 * windows matter only as "ordered before": they are one group per customer,
 * and their value (the summary's JSON) is not computed.
 */
async function readOrderKpiCounts(
  knex: Knex,
  input: KpiInput & { days: number }
): Promise<{ monthly: Record<string, unknown>[]; window: Record<string, unknown>[] }> {
  const now = new Date(input.now)
  const { stop, start, previous } = kpiWindow(input)
  const { rows } = await withWorkMem(knex, (trx) => trx.raw(
    `WITH ${MONTHS_CTE},
     window_start AS (SELECT min(start) - interval '1 month' AS at FROM months),
     -- Orders before this point only tell that a customer had ordered before (for the repeat and retention
     -- flags): they are grouped as one '-infinity' month per customer and their value is never read.
     since AS (SELECT least(w.at AT TIME ZONE 'UTC', ?::timestamptz) AS at FROM window_start w),
     rates AS (SELECT key AS currency_code, value::numeric AS rate FROM jsonb_each_text(?::jsonb)),
     -- Orders grouped by customer and month (with their part of the window as filtered aggregates) before the
     -- customers are joined (their 100k rows join the groups, not the 1M orders); the inner query computes each
     -- order's value from the summary's JSON, so the grouping carries figures only. Customer ids compare
     -- byte-wise (COLLATE "C": grouping and partitioning need equality, not the locale's order).
     customer_months AS MATERIALIZED (
       SELECT g.*, c.has_account AS member
         FROM (SELECT customer_id, month_start, count(*) AS orders, coalesce(sum(value), 0) AS revenue,
                      -- Orders in a currency with no rate have no value: counted as orders, not in revenue or its average.
                      count(value) AS valued_orders,
                      count(*) FILTER (WHERE in_window) AS window_orders,
                      coalesce(sum(value) FILTER (WHERE in_window), 0) AS window_revenue,
                      count(value) FILTER (WHERE in_window) AS window_valued_orders,
                      bool_or(NOT in_window) AS before_window, bool_or(in_previous) AS in_previous
                 FROM (SELECT o.customer_id COLLATE "C" AS customer_id,
                              CASE WHEN o.created_at >= since.at
                                   THEN date_trunc('month', o.created_at AT TIME ZONE 'UTC')::date
                                   ELSE '-infinity'::date END AS month_start,
                              o.created_at > ? AS in_window, o.created_at > ? AND o.created_at <= ? AS in_previous,
                              CASE WHEN o.created_at >= since.at THEN ${ORDER_TOTAL} * r.rate END AS value
                         FROM "order" o
                         JOIN order_summary s ON s.order_id = o.id AND s.version = o.version AND s.deleted_at IS NULL
                         LEFT JOIN rates r ON r.currency_code = lower(o.currency_code)
                        CROSS JOIN since
                        WHERE ${ORDER_FILTER} AND o.created_at <= ?
                       OFFSET 0) AS o
                GROUP BY 1, 2) AS g
         JOIN customer c ON c.id = g.customer_id
     ),
     flagged AS (
       SELECT cm.*,
              min(month_start) OVER (PARTITION BY customer_id) < month_start AS ordered_before,
              lag(month_start) OVER (PARTITION BY customer_id ORDER BY month_start) = (month_start - interval '1 month')::date
                AS ordered_previous_month
         FROM customer_months cm
     ),
     monthly AS (
       SELECT month_start, member, count(*) AS active_customers, sum(orders) AS orders, sum(revenue) AS revenue,
              sum(valued_orders) AS valued_orders,
              count(*) FILTER (WHERE ordered_before) AS repeat_customers,
              count(*) FILTER (WHERE ordered_previous_month) AS retained_customers
         FROM flagged, window_start w WHERE month_start >= w.at
        GROUP BY 1, 2
     ),
     joined AS (
       SELECT c.has_account AS member, date_trunc('month', c.created_at AT TIME ZONE 'UTC')::date AS month_start, count(*) AS n
         FROM customer c WHERE c.deleted_at IS NULL GROUP BY 1, 2
     ),
     per_customer AS (
       SELECT customer_id, member, sum(window_orders) AS orders, sum(window_revenue) AS revenue,
              sum(window_valued_orders) AS valued_orders,
              bool_or(before_window) AS ordered_before, bool_or(in_previous) AS ordered_previous
         FROM customer_months GROUP BY 1, 2
     ),
     window_joined AS (
       SELECT has_account AS member, count(*) FILTER (WHERE created_at <= ?) AS customers,
              count(*) FILTER (WHERE created_at > ? AND created_at <= ?) AS new_customers
         FROM customer WHERE deleted_at IS NULL GROUP BY 1
     )
     SELECT m.month, g.member,
            coalesce((SELECT sum(j.n) FROM joined j WHERE j.member = g.member AND j.month_start <= m.start), 0)::bigint AS customers,
            coalesce((SELECT sum(j.n) FROM joined j WHERE j.member = g.member AND j.month_start = m.start), 0)::bigint AS new_customers,
            coalesce(cur.active_customers, 0)::bigint AS active_customers,
            coalesce(cur.orders, 0)::bigint AS orders, coalesce(cur.revenue, 0) AS revenue,
            coalesce(cur.valued_orders, 0)::bigint AS valued_orders,
            coalesce(cur.repeat_customers, 0)::bigint AS repeat_customers,
            coalesce(cur.retained_customers, 0)::bigint AS retained_customers,
            coalesce(prev.active_customers, 0)::bigint AS previous_month_customers
       FROM months m CROSS JOIN (VALUES (true), (false)) AS g(member)
       LEFT JOIN monthly cur ON cur.month_start = m.start AND cur.member = g.member
       LEFT JOIN monthly prev ON prev.month_start = (m.start - interval '1 month')::date AND prev.member = g.member
     UNION ALL
     -- The window's row per cohort has no month.
     SELECT NULL, g.member, coalesce(max(j.customers), 0)::bigint, coalesce(max(j.new_customers), 0)::bigint,
            count(p.customer_id) FILTER (WHERE p.orders > 0)::bigint,
            coalesce(sum(p.orders), 0)::bigint, coalesce(sum(p.revenue), 0), coalesce(sum(p.valued_orders), 0)::bigint,
            count(p.customer_id) FILTER (WHERE p.orders > 0 AND p.ordered_before)::bigint,
            count(p.customer_id) FILTER (WHERE p.orders > 0 AND p.ordered_previous)::bigint,
            count(p.customer_id) FILTER (WHERE p.ordered_previous)::bigint
       FROM (VALUES (true), (false)) AS g(member)
       LEFT JOIN window_joined j ON j.member = g.member
       LEFT JOIN per_customer p ON p.member = g.member
      GROUP BY g.member
      ORDER BY 1, 2 DESC`,
    [now, kpiMonths(input), now, previous, kpiRates(input), start, previous, start, now, stop, start, stop]
  ))
  return {
    monthly: rows.filter((row: { month: string | null }) => row.month !== null),
    window: rows.filter((row: { month: string | null }) => row.month === null),
  }
}

/**
 * The program KPIs by month for members, non-members and all over the last
 * `input.months` months, from the orders' monthly counts: the ledger,
 * referrals and feedback, each grouped once (never a scan per month).
 */
async function readMonthlyKpis(knex: Knex, input: KpiInput, orderRows: Record<string, unknown>[]): Promise<KpiRow[]> {
  const now = new Date(input.now)
  const monthParams = [now, kpiMonths(input), now]

  // The ledger grouped by month once, then running totals up to each month's end.
  const { rows: ledgerRows } = await knex.raw(
    `WITH ${MONTHS_CTE},
     by_month AS (
       SELECT date_trunc('month', e.created_at AT TIME ZONE 'UTC')::date AS month_start,
              coalesce(sum(e.points) FILTER (WHERE ${EFFECTIVE_ENTRY("e")} AND (e.type IN ('pending', 'earn') OR (e.type = 'adjust' AND e.points > 0))), 0) AS issued,
              coalesce(-sum(e.points) FILTER (WHERE ${EFFECTIVE_ENTRY("e")} AND e.type = 'redeem'), 0) AS redeemed,
              coalesce(-sum(e.points) FILTER (WHERE ${EFFECTIVE_ENTRY("e")} AND e.type = 'expire'), 0) AS expired,
              coalesce(sum(e.balance_change + e.pending_change), 0) AS outstanding_change
         FROM loyalty_entry e WHERE e.deleted_at IS NULL AND e.created_at <= ?
        GROUP BY 1
     )
     SELECT m.month,
            coalesce(sum(b.issued) FILTER (WHERE b.month_start = m.start), 0)::bigint AS issued,
            coalesce(sum(b.redeemed) FILTER (WHERE b.month_start = m.start), 0)::bigint AS redeemed,
            coalesce(sum(b.expired) FILTER (WHERE b.month_start = m.start), 0)::bigint AS expired,
            coalesce(sum(b.issued), 0)::bigint AS issued_to_date,
            coalesce(sum(b.redeemed), 0)::bigint AS redeemed_to_date,
            coalesce(sum(b.expired), 0)::bigint AS expired_to_date,
            coalesce(sum(b.outstanding_change), 0)::bigint AS outstanding
       FROM months m LEFT JOIN by_month b ON b.month_start <= m.start
      GROUP BY m.month ORDER BY m.month`,
    [...monthParams, now]
  )

  // Referrals made (claimed) in the month, how many of those are rewarded by now, and rewards paid in the month.
  const { rows: referralRows } = await knex.raw(
    `WITH ${MONTHS_CTE},
     referrals AS (
       SELECT date_trunc('month', claimed_at AT TIME ZONE 'UTC')::date AS claimed_month,
              CASE WHEN status = 'rewarded' AND rewarded_at <= ?
                   THEN date_trunc('month', rewarded_at AT TIME ZONE 'UTC')::date END AS rewarded_month
         FROM loyalty_referral WHERE deleted_at IS NULL AND claimed_at <= ?
     )
     SELECT m.month,
            count(*) FILTER (WHERE r.claimed_month = m.start)::int AS made,
            count(*) FILTER (WHERE r.claimed_month = m.start AND r.rewarded_month IS NOT NULL)::int AS converted,
            count(*) FILTER (WHERE r.rewarded_month = m.start)::int AS rewarded
       FROM months m LEFT JOIN referrals r ON r.claimed_month = m.start OR r.rewarded_month = m.start
      GROUP BY m.month`,
    [...monthParams, now, now]
  )
  const referralsByMonth = new Map(
    referralRows.map((row: { month: string; made: number; converted: number; rewarded: number }) => [row.month, row])
  )

  const { rows: feedbackRows } = await knex.raw(
    `WITH ${MONTHS_CTE}
     SELECT m.month, c.has_account AS member,
            count(f.id)::int AS responses,
            count(f.id) FILTER (WHERE f.score >= 9)::int AS promoters,
            count(f.id) FILTER (WHERE f.score <= 6)::int AS detractors
       FROM loyalty_feedback f
       JOIN months m ON date_trunc('month', f.created_at AT TIME ZONE 'UTC')::date = m.start
       JOIN customer c ON c.id = f.customer_id
      WHERE f.deleted_at IS NULL AND f.created_at <= ?
      GROUP BY m.month, c.has_account`,
    [...monthParams, now]
  )

  const ledgerByMonth = new Map(ledgerRows.map((row: Record<string, number | string>) => [row.month, row]))
  const result: KpiRow[] = []
  const monthsSeen = [...new Set(orderRows.map((row: { month: string }) => row.month))] as string[]
  for (const month of monthsSeen) {
    const cohorts = orderRows.filter((row: { month: string }) => row.month === month)
    const member = cohorts.find((row: { member: boolean }) => row.member)
    const nonMember = cohorts.find((row: { member: boolean }) => !row.member)
    const feedbackFor = (isMember: boolean | null) =>
      sumFeedback(
        feedbackRows.filter(
          (row: { month: string; member: boolean }) => row.month === month && (isMember === null || row.member === isMember)
        )
      )
    const ledger = ledgerByMonth.get(month) as Record<string, number> | undefined
    const points = ledger ? ledgerPoints(ledger) : null
    const referral = referralsByMonth.get(month) as { made: number; converted: number; rewarded: number } | undefined
    const referrals = {
      made: Number(referral?.made ?? 0),
      converted: Number(referral?.converted ?? 0),
      rewarded: Number(referral?.rewarded ?? 0),
    }
    const metrics = cohortMetrics(pickCounts(member), pickCounts(nonMember), feedbackFor, points, referrals, input.point_values)
    for (const cohort of ["member", "non_member", "all"] as const) {
      result.push({ month, cohort, metrics: metrics[cohort] })
    }
  }
  return result
}

/**
 * The same KPIs over the `days` days up to `now` (the previous `days` days
 * for retention), for the cards a merchant reads any day of the month: a
 * month-to-date figure on the 2nd looks like a collapse. Same definitions
 * as the monthly rows, with "month" read as "window"; the order counts come
 * from the same pass as the monthly ones.
 */
async function readKpiWindow(
  knex: Knex,
  input: KpiInput & { days: number },
  orderRows: Record<string, unknown>[]
): Promise<KpiWindow> {
  const { stop, start } = kpiWindow(input)
  const { rows: ledgerRows } = await knex.raw(
    `SELECT coalesce(sum(points) FILTER (WHERE ${EFFECTIVE_ENTRY("e")} AND created_at > ? AND (type IN ('pending', 'earn') OR (type = 'adjust' AND points > 0))), 0)::bigint AS issued,
            coalesce(-sum(points) FILTER (WHERE ${EFFECTIVE_ENTRY("e")} AND created_at > ? AND type = 'redeem'), 0)::bigint AS redeemed,
            coalesce(-sum(points) FILTER (WHERE ${EFFECTIVE_ENTRY("e")} AND created_at > ? AND type = 'expire'), 0)::bigint AS expired,
            coalesce(sum(points) FILTER (WHERE ${EFFECTIVE_ENTRY("e")} AND (type IN ('pending', 'earn') OR (type = 'adjust' AND points > 0))), 0)::bigint AS issued_to_date,
            coalesce(-sum(points) FILTER (WHERE ${EFFECTIVE_ENTRY("e")} AND type = 'redeem'), 0)::bigint AS redeemed_to_date,
            coalesce(-sum(points) FILTER (WHERE ${EFFECTIVE_ENTRY("e")} AND type = 'expire'), 0)::bigint AS expired_to_date,
            coalesce(sum(balance_change + pending_change), 0)::bigint AS outstanding
       FROM loyalty_entry e WHERE deleted_at IS NULL AND created_at <= ?`,
    [start, start, start, stop]
  )
  const { rows: referralRows } = await knex.raw(
    `SELECT count(*) FILTER (WHERE claimed_at > ?)::int AS made,
            count(*) FILTER (WHERE claimed_at > ? AND status = 'rewarded' AND rewarded_at <= ?)::int AS converted,
            count(*) FILTER (WHERE status = 'rewarded' AND rewarded_at > ? AND rewarded_at <= ?)::int AS rewarded
       FROM loyalty_referral WHERE deleted_at IS NULL AND claimed_at <= ?`,
    [start, start, stop, start, stop, stop]
  )
  const { rows: feedbackRows } = await knex.raw(
    `SELECT c.has_account AS member, count(f.id)::int AS responses,
            count(f.id) FILTER (WHERE f.score >= 9)::int AS promoters,
            count(f.id) FILTER (WHERE f.score <= 6)::int AS detractors
       FROM loyalty_feedback f JOIN customer c ON c.id = f.customer_id
      WHERE f.deleted_at IS NULL AND f.created_at > ? AND f.created_at <= ?
      GROUP BY c.has_account`,
    [start, stop]
  )
  const feedbackFor = (isMember: boolean | null) =>
    sumFeedback(feedbackRows.filter((row: { member: boolean }) => isMember === null || row.member === isMember))
  const ledger = ledgerRows[0] as Record<string, string>
  const referral = referralRows[0] as Record<string, number>
  const metrics = cohortMetrics(
    pickCounts(orderRows.find((row: { member: boolean }) => row.member)),
    pickCounts(orderRows.find((row: { member: boolean }) => !row.member)),
    feedbackFor,
    ledgerPoints(ledger),
    { made: Number(referral.made), converted: Number(referral.converted), rewarded: Number(referral.rewarded) },
    input.point_values
  )
  return { days: input.days, from: start, to: stop, ...metrics }
}

/**
 * Every customer's order facts as of `now`, with set-based SQL over Medusa's
 * orders and customers, the points ledger and the referrals: one statement,
 * `COPY (…) TO STDOUT`, which Postgres plans with its parallel workers as a
 * plain query (the join and the sort of every order are split between
 * them). Its output, one customer a line in COPY's text format and the
 * columns of the insights module's `FACT_STREAM_COLUMNS`, is the stream
 * handed to `consume` (the module's `copyCustomerFacts` pipes it into its
 * own `COPY … FROM STDIN`): the rows go from this backend to the module's as
 * Postgres writes them, and this process holds only the chunks in flight
 * (memory stays bounded at any store size). Orders in a currency without a
 * rate have no value: they count as orders and purchase days (frequency,
 * recency), not in the money figures; a day of such orders only is not a
 * valued day, so it does not lower the customer's spend per day (`valued_days`,
 * `valued_repeat_days`). Returns what `consume` returns.
 */
export async function streamCustomerOrderFacts(
  pg: Knex,
  input: { now: Date; rates: Record<string, number> },
  consume: (facts: Readable) => Promise<number>
): Promise<number> {
  const { now, rates } = input
  // One sort of the counted orders by customer and day feeds the day groups and their window (lag / lead),
  // which need that order anyway: no hash of 900k day groups and then a second sort of them. The sort
  // carries the figures only (the subquery computes each order's total from the summary's JSON below it),
  // and compares customer ids byte-wise (COLLATE "C": grouping needs equality, not the locale's order).
  const sql = `WITH rates AS (SELECT key AS currency_code, value::numeric AS rate FROM jsonb_each_text(?::jsonb)),
     days AS (
       -- A day's value: its orders with a rate (null when none has one: the day has no value, not a value of 0).
       SELECT customer_id, day, count(*) AS orders, sum(total * rate) AS value,
              min(created_at) AS first_at, max(created_at) AS last_at,
              min(currency_code) AS first_currency, max(currency_code) AS last_currency, sum(total) AS amount,
              lag(day) OVER w AS previous_day,
              -- The last day is the one with no next day: same window as lag, so no second sort.
              lead(day) OVER w IS NULL AS is_last
         FROM (SELECT o.customer_id COLLATE "C" AS customer_id, lower(o.currency_code) COLLATE "C" AS currency_code,
                      o.created_at, (o.created_at AT TIME ZONE 'UTC')::date AS day, ${ORDER_TOTAL} AS total, r.rate
                 FROM "order" o
                 JOIN order_summary s ON s.order_id = o.id AND s.version = o.version AND s.deleted_at IS NULL
                 LEFT JOIN rates r ON r.currency_code = lower(o.currency_code)
                WHERE ${ORDER_FILTER} AND o.created_at <= ?
                ORDER BY 1, 4) AS orders
        GROUP BY customer_id, day
       WINDOW w AS (PARTITION BY customer_id ORDER BY day)
     ),
     per_customer AS (
       SELECT d.customer_id, sum(d.orders)::int AS orders_count, count(*)::int AS purchase_days,
              count(d.value)::int AS valued_days,
              count(d.value) FILTER (WHERE d.previous_day IS NOT NULL)::int AS valued_repeat_days,
              min(d.day) AS first_day, max(d.day) AS last_day, coalesce(sum(d.value), 0) AS monetary,
              min(d.first_at) AS first_at, max(d.last_at) AS last_at,
              min(d.first_currency) AS first_currency, max(d.last_currency) AS last_currency, sum(d.amount) AS amount,
              -- The days after the first are those with a previous day; avg leaves out the days with no value.
              coalesce(avg(d.value) FILTER (WHERE d.previous_day IS NOT NULL), 0) AS repeat_mean,
              count(*) FILTER (WHERE d.day <= ?::date - ${HOLDOUT_DAYS})::int AS cal_purchase_days,
              max(d.day) FILTER (WHERE d.day <= ?::date - ${HOLDOUT_DAYS}) - min(d.day) AS cal_tx_days,
              count(*) FILTER (WHERE d.day > ?::date - ${HOLDOUT_DAYS})::int AS holdout_purchase_days,
              coalesce(sum(d.value) FILTER (WHERE d.day > ?::date - 90), 0) AS recent_spend,
              coalesce(sum(d.value) FILTER (WHERE d.day > ?::date - 180 AND d.day <= ?::date - 90), 0) AS prior_spend,
              max(d.day - d.previous_day) FILTER (WHERE d.is_last) AS gap_before_last
         FROM days d GROUP BY d.customer_id
     ),
     -- Amounts per currency: only customers who paid in more than one need a second read of their orders
     -- (none: the hash of their ids is empty and the orders are not read again).
     by_currency AS (
       SELECT customer_id, jsonb_object_agg(currency_code, amount) AS amounts
         FROM (SELECT o.customer_id, lower(o.currency_code) AS currency_code, sum(${ORDER_TOTAL}) AS amount
                 FROM "order" o
                 JOIN order_summary s ON s.order_id = o.id AND s.version = o.version AND s.deleted_at IS NULL
                WHERE ${ORDER_FILTER} AND o.created_at <= ?
                  AND o.customer_id IN (SELECT customer_id FROM per_customer WHERE first_currency <> last_currency)
                GROUP BY 1, 2) x
        GROUP BY customer_id
     ),
     ledger AS (
       SELECT a.customer_id, coalesce(-sum(e.points) FILTER (WHERE ${EFFECTIVE_ENTRY("e")} AND e.type = 'redeem'), 0)::bigint AS redeemed
         FROM loyalty_entry e JOIN loyalty_account a ON a.id = e.account_id
        WHERE e.deleted_at IS NULL AND e.created_at <= ?
        GROUP BY a.customer_id
     ),
     referrals AS (
       SELECT referrer_id AS customer_id, count(*)::int AS referrals FROM loyalty_referral
        WHERE deleted_at IS NULL AND status = 'rewarded' AND rewarded_at <= ?
        GROUP BY referrer_id
     )
     SELECT ${FACT_STREAM_COLUMNS.map((column) => `${FACT_SELECT[column]} AS ${column}`).join(",\n            ")}
       FROM per_customer p
       JOIN customer c ON c.id = p.customer_id AND c.deleted_at IS NULL
       LEFT JOIN by_currency bc ON bc.customer_id = p.customer_id
       LEFT JOIN ledger l ON l.customer_id = p.customer_id
       LEFT JOIN referrals rf ON rf.customer_id = p.customer_id`
  // Today (UTC), the day the day-counts are taken from.
  const today = now.toISOString().slice(0, 10)
  const bindings = [JSON.stringify(rates), now, ...Array(6).fill(today), now, now, now, today, today, today]
  return await withWorkMem(pg, async (trx) => {
    // Timestamps as ISO text with their offset, whatever the server's default: the module's COPY reads them back.
    await trx.raw(`SET LOCAL datestyle = 'ISO'`)
    const client = (await trx.client.acquireConnection()) as ClientBase
    // COPY takes no parameters: the values go in as literals (a date, a timestamp and the rates' JSON).
    const out = client.query(copyTo(`COPY (${inlineBindings(client, sql, bindings)}) TO STDOUT`))
    // The module reads a stream of its own: should it stop early (an error), this one is drained after the
    // statement is cancelled, so the connection leaves COPY and its transaction can roll back.
    const facts = new PassThrough()
    out.on("error", (error) => facts.destroy(error))
    out.pipe(facts)
    try {
      return await consume(facts)
    } catch (error) {
      if (!out.readableEnded && !out.errored) {
        out.unpipe(facts)
        await pg.raw(`SELECT pg_cancel_backend(?)`, [(client as ClientBase & { processID: number }).processID])
        out.resume()
        await finished(out).catch(() => undefined)
      }
      throw error
    }
  })
}

/** What each column of `FACT_STREAM_COLUMNS` is, over the facts statement's `per_customer p`, `customer c`, … */
const FACT_SELECT: Record<(typeof FACT_STREAM_COLUMNS)[number], string> = {
  customer_id: "p.customer_id",
  is_member: "coalesce(c.has_account, false)",
  orders_count: "p.orders_count",
  purchase_days: "p.purchase_days",
  valued_days: "p.valued_days",
  valued_repeat_days: "p.valued_repeat_days",
  // Cut to the millisecond, as they were when they were read into JavaScript dates.
  first_order_at: "date_trunc('milliseconds', p.first_at)",
  last_order_at: "date_trunc('milliseconds', p.last_at)",
  recency_days: "?::date - p.last_day",
  tx_days: "p.last_day - p.first_day",
  age_days: "?::date - p.first_day",
  monetary_by_currency: "coalesce(bc.amounts, jsonb_build_object(p.first_currency, p.amount))",
  gap_before_last: "p.gap_before_last",
  referrals: "coalesce(rf.referrals, 0)",
  redeemed_points: "coalesce(l.redeemed, 0)",
  // The holdout check's calibration facts: only customers who had bought before the holdout began.
  cal_purchase_days: "nullif(p.cal_purchase_days, 0)",
  cal_tx_days: "CASE WHEN p.cal_purchase_days > 0 THEN p.cal_tx_days END",
  cal_age_days: `CASE WHEN p.cal_purchase_days > 0 THEN ?::date - ${HOLDOUT_DAYS} - p.first_day END`,
  holdout_purchase_days: "CASE WHEN p.cal_purchase_days > 0 THEN p.holdout_purchase_days END",
  monetary: "p.monetary",
  repeat_mean: "p.repeat_mean",
  recent_spend: "p.recent_spend",
  prior_spend: "p.prior_spend",
}

/** Knex's `?` placeholders of `sql` as Postgres literals (dates as ISO timestamps, the rest as text). */
function inlineBindings(client: ClientBase, sql: string, bindings: (string | Date)[]): string {
  const parts = sql.split("?")
  if (parts.length !== bindings.length + 1) {
    throw new Error(`${parts.length - 1} placeholders for ${bindings.length} values`)
  }
  return parts
    .map((part, i) => {
      if (i === parts.length - 1) return part
      const value = bindings[i]
      return part + client.escapeLiteral(value instanceof Date ? value.toISOString() : value)
    })
    .join("")
}

/**
 * Postgres memory per sort or hash for the statements over every order: with
 * the default 4 MB, grouping a million orders spills to disk in dozens of
 * batches. 128 MB keeps a 100,000-customer store in memory; larger stores
 * spill past it, so the memory stays bounded at any size. Runs `fn` in a
 * transaction (the setting ends with it).
 */
async function withWorkMem<T>(pg: Knex, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return await pg.transaction(async (trx) => {
    await trx.raw(`SET LOCAL work_mem = '128MB'`)
    return await fn(trx)
  })
}

/** Currencies of counted orders up to `now` with no rate to the store's currency. */
export async function unratedCurrencies(pg: Knex, now: Date, rates: Record<string, number>): Promise<string[]> {
  const { rows } = await pg.raw(
    `SELECT DISTINCT lower(o.currency_code) AS code FROM "order" o
      WHERE ${ORDER_FILTER} AND o.created_at <= ? AND NOT (lower(o.currency_code) = ANY(?::text[]))`,
    [now, Object.keys(rates)]
  )
  return rows.map((row: { code: string }) => row.code).sort()
}

/**
 * Orders that count: not deleted, not drafts, not canceled, with a customer.
 * Money is the current version's `order_summary.totals.current_order_total`
 * (after edits and returns), read as a number whichever way it was serialized.
 */
const ORDER_FILTER = `o.deleted_at IS NULL AND o.customer_id IS NOT NULL AND o.is_draft_order = false
  AND o.status NOT IN ('draft', 'canceled')`
/**
 * Ledger entries that count as flows (issued, redeemed, expired): not an
 * entry a workflow compensation undid (voided) nor the counter-entry that
 * undid it (reference `entry`), as the points module's order summaries count
 * them. Balances (outstanding) still sum every entry: they hold either way.
 */
const EFFECTIVE_ENTRY = (alias: string) => `${alias}.voided_at IS NULL AND ${alias}.reference_type IS DISTINCT FROM 'entry'`

const ORDER_TOTAL = `coalesce((s.totals->'raw_current_order_total'->>'value')::numeric,
  (s.totals->>'current_order_total')::numeric, 0)`


type FeedbackCounts = KpiCounts["feedback"]
/** What the order SQL counts of one cohort. */
type OrderCounts = Omit<KpiCounts, "members" | "new_members" | "feedback" | "points" | "referrals" | "point_values">

/** The ledger SQL's row (Postgres sends its sums as strings) as the KPIs' points figures. */
const ledgerPoints = (row: Record<string, number | string>): NonNullable<KpiCounts["points"]> => ({
  issued: Number(row.issued),
  redeemed: Number(row.redeemed),
  expired: Number(row.expired),
  issued_to_date: Number(row.issued_to_date),
  redeemed_to_date: Number(row.redeemed_to_date),
  expired_to_date: Number(row.expired_to_date),
  outstanding: Number(row.outstanding),
})

/** The feedback counts of several rows (cohorts) added up. */
const sumFeedback = (rows: FeedbackCounts[]): FeedbackCounts =>
  rows.reduce(
    (acc, row) => ({
      responses: acc.responses + row.responses,
      promoters: acc.promoters + row.promoters,
      detractors: acc.detractors + row.detractors,
    }),
    { responses: 0, promoters: 0, detractors: 0 }
  )

function pickCounts(row: Record<string, unknown> | undefined): OrderCounts {
  const n = (key: string) => Number(row?.[key] ?? 0)
  return {
    customers: n("customers"),
    new_customers: n("new_customers"),
    active_customers: n("active_customers"),
    orders: n("orders"),
    revenue: n("revenue"),
    valued_orders: n("valued_orders"),
    repeat_customers: n("repeat_customers"),
    retained_customers: n("retained_customers"),
    previous_month_customers: n("previous_month_customers"),
  }
}

const DAY_MS = 24 * 60 * 60 * 1000

/** Members, non-members and all from the two cohorts' counts: the ledger and referrals only concern members. */
function cohortMetrics(
  m: OrderCounts,
  n: OrderCounts,
  feedbackFor: (isMember: boolean | null) => FeedbackCounts,
  points: KpiCounts["points"],
  referrals: NonNullable<KpiCounts["referrals"]>,
  pointValues: Record<string, number>
): Record<KpiRow["cohort"], KpiMetrics> {
  const sum = (a: OrderCounts, b: OrderCounts): OrderCounts =>
    Object.fromEntries(Object.keys(a).map((k) => [k, Number(a[k as keyof OrderCounts]) + Number(b[k as keyof OrderCounts])])) as OrderCounts
  const build = (orders: OrderCounts, feedback: FeedbackCounts, isMembers: boolean | null): KpiCounts => ({
    ...orders,
    members: isMembers === false ? 0 : m.customers,
    new_members: isMembers === false ? 0 : m.new_customers,
    feedback,
    points: isMembers === false ? null : points,
    referrals: isMembers === false ? null : referrals,
    point_values: pointValues,
  })
  return {
    member: kpiMetrics(build(m, feedbackFor(true), true)),
    non_member: kpiMetrics(build(n, feedbackFor(false), false)),
    all: kpiMetrics(build(sum(m, n), feedbackFor(null), null)),
  }
}

const lowerKeys = (map: Record<string, number>) =>
  Object.fromEntries(Object.entries(map ?? {}).map(([code, value]) => [code.toLowerCase(), value]))