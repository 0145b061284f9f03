import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { generateEntityId } from "@medusajs/framework/utils"
import { CustomerFacts, normalizeWeights } from "../../lib/insights/rules"
import { CustomerInsightRecord, InsightRunRecord, RUN_FIELDS, SegmentStat } from "./types"

/**
 * The insights module's SQL, in one place: only what Postgres is the point
 * of. A recompute's set-based statements (the facts' COPY is in
 * copy-facts.ts; the R, F and M scores as window functions, the scoring cursor and
 * its batches, the model's grouped inputs, the run's rows and segment
 * changes each in one INSERT … SELECT), the run's bookkeeping that is a
 * condition rather than a row (an abandoned run failed, the heartbeat of a
 * running one, the scratch rows and old runs pruned), and the grouped reads
 * of a run (a filtered page, the segment summary, a customer's latest row).
 * Everything else goes through `MedusaService`'s generated methods.
 */

/** Medusa's raw big-number JSON ({ value, precision }) for a numeric SQL expression, as its bigNumber columns keep it. */
const RAW = (expression: string) => `jsonb_build_object('value', (${expression})::text, 'precision', 20)`

/**
 * R, F and M scores (1–5) and the F and M percentile ranks of a run's rows,
 * as select-list window expressions over `loyalty_customer_fact WHERE
 * run_id = ?` (the scoring pass reads them with the facts, so no pass of
 * their own rewrites the rows). Ties always share a score:
 * - F by fixed thresholds on purchase days, because most customers of most
 *   stores buy once or twice and quantiles cannot split ties (percent_rank
 *   left F = 2 empty on CDNOW): 1 day → 1, 2 → 2, 3 → 3, 4–5 → 4, 6+ → 5.
 * - R and M by quintile of the tie group's mid-rank, mid = (rank − 1 +
 *   (ties − 1)/2) / (n − 1), score = 1 + ⌊5·mid⌋ (5 at the top): without
 *   ties this is plain percent_rank quintiles; a tie group sits in the
 *   middle of the ranks it spans instead of at its lowest, and a run of one
 *   customer in the middle (3), as a group of customers all tied is (n = 1
 *   made it 1: a store's only customer, who ordered yesterday, was "lost").
 */
const midRank = (column: string, order: "ASC" | "DESC") => `
  CASE WHEN count(*) OVER () = 1 THEN 0.5
       ELSE percent_rank() OVER (ORDER BY ${column} ${order})
            + (count(*) OVER (PARTITION BY ${column}) - 1) / (2.0 * (count(*) OVER () - 1)) END`
const RFM_SCORES = `
  least(5, 1 + floor(5 * (${midRank("recency_days", "DESC")})))::int AS r_score,
  CASE WHEN purchase_days >= 6 THEN 5 WHEN purchase_days >= 4 THEN 4 ELSE greatest(purchase_days, 1) END AS f_score,
  least(5, 1 + floor(5 * (${midRank("monetary", "ASC")})))::int AS m_score,
  percent_rank() OVER (ORDER BY orders_count) AS f_rank,
  percent_rank() OVER (ORDER BY monetary) AS m_rank`

/** The deterministic sample of a model fit: every `sampleEvery`-th customer by hash (all of them at 1). */
const sampleOf = (sampleEvery: number) => (sampleEvery > 1 ? `AND abs(hashtext(customer_id)) % ${sampleEvery} = 0` : "")

// ---------------------------------------------------------------- runs

/**
 * Mark failed the runs left `running` with no heartbeat for `staleMinutes`,
 * and delete the scratch rows of every run that is not running (a running
 * run's are its own).
 */
export async function failAbandonedRuns(knex: Knex, staleMinutes: number): Promise<void> {
  await knex("loyalty_insight_run")
    .where({ status: "running" })
    .where(knex.raw("coalesce(updated_at, started_at)"), "<", knex.raw(`now() - interval '${staleMinutes} minutes'`))
    .update({ status: "failed", error: "Abandoned: the process running it stopped", finished_at: knex.fn.now() })
  for (const scratch of ["loyalty_customer_fact", "loyalty_customer_score"]) {
    await knex(scratch)
      .whereNotIn("run_id", knex("loyalty_insight_run").select("id").where({ status: "running" }))
      .delete()
  }
}

/**
 * Insert a running run, started by Postgres's clock. The partial unique index
 * on running runs refuses a second one (23505, which the caller turns into a
 * message).
 */
export async function insertRunningRun(
  knex: Knex,
  input: { as_of: Date; triggered_by?: string | null }
): Promise<InsightRunRecord> {
  const [row] = await knex<InsightRunRecord>("loyalty_insight_run")
    .insert({
      id: generateEntityId(undefined, "linrun"),
      status: "running",
      as_of: input.as_of,
      started_at: knex.fn.now(),
      progress: 0,
      stage: "queued",
      customers: 0,
      triggered_by: input.triggered_by ?? null,
    })
    .returning([...RUN_FIELDS])
  return row
}

/** The run that is running, if any (for the message that refuses a second one). */
export async function runningRun(knex: Knex): Promise<{ id: string; progress: number } | undefined> {
  return await knex("loyalty_insight_run").where({ status: "running" }).first()
}

/** The heartbeat: `updated_at` of the run, if it is still running. */
export async function touchRunningRun(knex: Knex, id: string): Promise<void> {
  await knex("loyalty_insight_run").where({ id, status: "running" }).update({ updated_at: knex.fn.now() })
}

/** Delete the customer rows and KPI snapshots of all but the newest `keep` succeeded runs, not a running run's. */
export async function pruneRunRows(knex: Knex, keep: number): Promise<number> {
  const kept = knex("loyalty_insight_run")
    .select("id")
    .where({ status: "succeeded" })
    .orderBy("finished_at", "desc")
    .limit(Math.max(1, keep))
  const running = knex("loyalty_insight_run").select("id").where({ status: "running" })
  const deleted = await knex("loyalty_customer_insight")
    .whereNotIn("run_id", kept)
    .whereNotIn("run_id", running)
    .delete()
  await knex("loyalty_kpi_snapshot").whereNotIn("run_id", kept).whereNotIn("run_id", running).delete()
  return deleted
}

/** Delete every row a run wrote: its customer rows, scratch rows, segment changes and KPI snapshot. */
export async function deleteRunRows(knex: Knex, runId: string): Promise<void> {
  await knex("loyalty_customer_insight").where({ run_id: runId }).delete()
  await knex("loyalty_customer_fact").where({ run_id: runId }).delete()
  await knex("loyalty_customer_score").where({ run_id: runId }).delete()
  await knex("loyalty_segment_change").where({ run_id: runId }).delete()
  await knex("loyalty_kpi_snapshot").where({ run_id: runId }).delete()
}

// ---------------------------------------------------------------- recompute

/** How many customers' facts the run's scratch rows hold. */
export async function countFacts(knex: Knex, runId: string): Promise<number> {
  return Number((await knex("loyalty_customer_fact").where({ run_id: runId }).count({ n: "*" }))[0]?.n ?? 0)
}

/**
 * What the model fit reads of (a sample of) the run's facts: grouped purchase histories (every purchase
 * day), repeat spend (the mean of the valued repeat days, over how many there are) and the pace (money per
 * valued day: a day paid in a currency with no rate has no value, not a value of 0).
 */
export async function modelInputs(
  knex: Knex,
  runId: string,
  sampleEvery: number
): Promise<{
  grouped: { x: number; tx_days: number; age_days: number; n: number }[]
  spend: { x: number; m: number }[]
  stats: { typical_gap: number | null; mean_order_value: number | null }[]
}> {
  const sample = sampleOf(sampleEvery)
  // In a fixed order: the likelihood is a floating-point sum, and where it is flat the optimizer's end
  // point moves with the order of its terms (the Gamma-Gamma fit did, in the 6th digit, from run to run).
  const { rows: grouped } = await knex.raw(
    `SELECT purchase_days - 1 AS x, tx_days, age_days, count(*)::int AS n
       FROM loyalty_customer_fact WHERE run_id = ? ${sample}
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [runId]
  )
  const { rows: spend } = await knex.raw(
    `SELECT valued_repeat_days AS x, repeat_mean AS m FROM loyalty_customer_fact
      WHERE run_id = ? AND valued_repeat_days > 0 AND repeat_mean > 0 ${sample}
      ORDER BY 1, 2`,
    [runId]
  )
  const { rows: stats } = await knex.raw(
    `SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY tx_days::float8 / (purchase_days - 1))
              FILTER (WHERE purchase_days > 1), 90) AS typical_gap,
            coalesce(sum(monetary) / nullif(sum(valued_days), 0), 0) AS mean_order_value
       FROM loyalty_customer_fact WHERE run_id = ?`,
    [runId]
  )
  return { grouped, spend, stats }
}

/** The holdout check's input: calibration histories of (a sample of) the run's customers, grouped, with what they bought in the holdout. */
export async function holdoutInputs(knex: Knex, runId: string, sampleEvery: number): Promise<Record<string, unknown>[]> {
  const { rows } = await knex.raw(
    `SELECT cal_purchase_days - 1 AS x, cal_tx_days, cal_age_days, count(*)::int AS n,
            sum(holdout_purchase_days)::int AS actual
       FROM loyalty_customer_fact WHERE run_id = ? AND cal_purchase_days IS NOT NULL ${sampleOf(sampleEvery)}
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [runId]
  )
  return rows
}

/** A customer's facts as the scoring cursor reads them, with the row's id and its F and M ranks. */
export type FactRow = CustomerFacts & { id: string; f_rank: number; m_rank: number }

/** Delete the run's scoring results (before a scoring pass, and with the facts after the run's rows are written). */
export async function deleteScores(knex: Knex, runId: string): Promise<void> {
  await knex("loyalty_customer_score").where({ run_id: runId }).delete()
}

/** Delete the run's scratch rows: its scoring results, then its facts. */
export async function deleteScratch(knex: Knex, runId: string): Promise<void> {
  await deleteScores(knex, runId)
  await knex("loyalty_customer_fact").where({ run_id: runId }).delete()
}

/**
 * Open the scoring cursor over the run's facts, with their R, F and M scores (needs a transaction). Its
 * window functions sort the million rows four times and keep each tie group to rank it: with 128 MB of
 * work_mem (for the rest of the transaction) the ranking keeps its rows in memory instead of reading
 * them back from temporary files for each group (24 GB of temporary reads with the default 4 MB at 1M
 * customers).
 */
export async function openScoringCursor(trx: Knex.Transaction, runId: string): Promise<void> {
  await trx.raw(`SET LOCAL work_mem = '128MB'`)
  await trx.raw(
    `DECLARE loyalty_insight_scoring NO SCROLL CURSOR FOR
     SELECT id, orders_count, purchase_days, valued_days, valued_repeat_days, recency_days, tx_days, age_days,
            monetary, repeat_mean, recent_spend,
            prior_spend, gap_before_last, nps_score, referrals, redeemed_points, ${RFM_SCORES}
       FROM loyalty_customer_fact WHERE run_id = ?`,
    [runId]
  )
}

/** The next `batch` rows of the scoring cursor, as Postgres gives them (see `toFacts`); none at the end. */
export async function fetchScoringBatch(trx: Knex.Transaction, batch: number): Promise<FactRow[]> {
  const { rows } = (await trx.raw(`FETCH ${batch} IN loyalty_insight_scoring`)) as { rows: FactRow[] }
  return rows
}

export async function closeScoringCursor(trx: Knex.Transaction): Promise<void> {
  await trx.raw("CLOSE loyalty_insight_scoring")
}

/** A scored batch, one array per column (the row's fact id in `id`); money (`clv`) as exact decimal strings. */
export type ScoreColumns = {
  id: string[]
  r: number[]
  f: number[]
  m: number[]
  f_rank: number[]
  m_rank: number[]
  nps: (number | null)[]
  referrals: number[]
  rfm: string[]
  matrix: string[]
  lifecycle: string[]
  p_alive: number[]
  churn: number[]
  e90: number[]
  e365: number[]
  clv: string[]
  clv_cac: (number | null)[]
  explanation: string[]
}

/**
 * The smallest positive normal `real` (float4), the type of the score columns:
 * Postgres refuses a value that the cast to `real` would round to 0
 * ("value out of range: underflow").
 */
const MIN_NORMAL_REAL = 1.1754943508222875e-38

/**
 * Scores as Postgres stores them in `real`: a value too close to 0 for it (a
 * chance of 1e-60 that the models can give a customer long gone) is 0,
 * instead of the whole batch's INSERT, and with it the run, failing on it.
 */
export const storableFloats = <T extends number | null>(values: T[]): T[] =>
  values.map((value) => (value !== null && Math.abs(value) < MIN_NORMAL_REAL ? (0 as T) : value))

/** A scored batch into the run's scratch table `loyalty_customer_score`, in one INSERT from arrays. */
export async function insertScores(knex: Knex, runId: string, out: ScoreColumns): Promise<void> {
  await knex.raw(
    `INSERT INTO loyalty_customer_score (id, run_id, r_score, f_score, m_score, f_rank, m_rank, nps_score, referrals,
            rfm_segment, matrix_segment, lifecycle_stage, p_alive, churn_risk, expected_90, expected_365, clv_12m,
            raw_clv_12m, clv_cac, explanation)
     SELECT u.id, ?, u.r, u.f, u.m, u.f_rank, u.m_rank, u.nps, u.referrals, u.rfm, u.matrix, u.lifecycle, u.p_alive,
            u.churn, u.e90, u.e365, u.clv, ${RAW("u.clv")}, u.clv_cac, u.explanation
       FROM unnest(?::text[], ?::int[], ?::int[], ?::int[], ?::float8[], ?::float8[], ?::int[], ?::int[], ?::text[],
                   ?::text[], ?::text[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::numeric[], ?::float8[], ?::text[])
            AS u(id, r, f, m, f_rank, m_rank, nps, referrals, rfm, matrix, lifecycle, p_alive, churn, e90, e365, clv,
                 clv_cac, explanation)`,
    // node-postgres sends each array as one Postgres array parameter.
    [
      runId,
      out.id,
      out.r,
      out.f,
      out.m,
      storableFloats(out.f_rank),
      storableFloats(out.m_rank),
      out.nps,
      out.referrals,
      out.rfm,
      out.matrix,
      out.lifecycle,
      storableFloats(out.p_alive),
      storableFloats(out.churn),
      storableFloats(out.e90),
      storableFloats(out.e365),
      out.clv,
      storableFloats(out.clv_cac),
      out.explanation,
    ] as unknown as Knex.RawBinding[]
  )
}

/**
 * Fresh statistics, so that the joins of the two scratch tables are planned for their number (a hash join,
 * not a million index look-ups); the facts' row count and join key are all the plans need.
 */
export async function analyzeScratch(knex: Knex): Promise<void> {
  await knex.raw("ANALYZE loyalty_customer_score")
  await knex.raw("ANALYZE loyalty_customer_fact (id, run_id)")
}

/**
 * The run's rows, written once: each customer's facts (`loyalty_customer_fact`)
 * with the scoring pass's results (`loyalty_customer_score`), the value score
 * from weighted 0–1 indicators and its ranked bands, in one INSERT … SELECT.
 * Each row so costs its five indexes and its WAL once; the facts and scores
 * before it went to unlogged tables with a primary key only.
 */
export async function writeRunRows(
  knex: Knex,
  runId: string,
  w: ReturnType<typeof normalizeWeights>
): Promise<void> {
  // In the order of the facts' ids, which grow with the customers' (see copy-facts.ts): the table's indexes on
  // id and on customer take each new entry at their right end (by segment: at one of a dozen places) instead
  // of at random pages of indexes larger than Postgres's buffers. The sort is in 128 MB of work_mem.
  await knex.transaction(async (trx) => {
    await trx.raw(`SET LOCAL work_mem = '128MB'`)
    await trx.raw(
      `WITH ranked AS (
         SELECT s.*, percent_rank() OVER (ORDER BY s.clv_12m)::float8 AS clv_rank
           FROM loyalty_customer_score s WHERE s.run_id = ?
       ),
       scored AS (
         -- Bands rank the score as stored (real); m_rank and f_rank are read as stored (real) too.
         SELECT ranked.*,
                (?::float8 * clv_rank + ?::float8 * m_rank + ?::float8 * f_rank
                  + ?::float8 * coalesce(nps_score / 10.0, 0.5) + ?::float8 * least(referrals, 3) / 3.0)::real AS value_score
           FROM ranked
       ),
       banded AS (
         SELECT scored.*, percent_rank() OVER (ORDER BY value_score) AS value_rank FROM scored
       )
       INSERT INTO loyalty_customer_insight (
         id, run_id, customer_id, is_member, orders_count, purchase_days, valued_days, valued_repeat_days,
         first_order_at, last_order_at,
         recency_days, tx_days, age_days, monetary, monetary_by_currency, repeat_mean, recent_spend, prior_spend,
         raw_monetary, raw_repeat_mean, raw_recent_spend, raw_prior_spend,
         gap_before_last, nps_score, referrals, redeemed_points,
         cal_purchase_days, cal_tx_days, cal_age_days, holdout_purchase_days,
         r_score, f_score, m_score, f_rank, m_rank, rfm_segment, matrix_segment, lifecycle_stage,
         p_alive, churn_risk, expected_90, expected_365, clv_12m, raw_clv_12m, clv_cac, explanation,
         clv_rank, value_score, value_band, created_at, updated_at)
       SELECT f.id, f.run_id, f.customer_id, f.is_member, f.orders_count, f.purchase_days, f.valued_days,
              f.valued_repeat_days, f.first_order_at, f.last_order_at,
              f.recency_days, f.tx_days, f.age_days, f.monetary, f.monetary_by_currency, f.repeat_mean, f.recent_spend,
              f.prior_spend, f.raw_monetary, f.raw_repeat_mean, f.raw_recent_spend, f.raw_prior_spend,
              f.gap_before_last, f.nps_score, f.referrals, f.redeemed_points,
              f.cal_purchase_days, f.cal_tx_days, f.cal_age_days, f.holdout_purchase_days,
              b.r_score, b.f_score, b.m_score, b.f_rank, b.m_rank, b.rfm_segment, b.matrix_segment, b.lifecycle_stage,
              b.p_alive, b.churn_risk, b.expected_90, b.expected_365, b.clv_12m, b.raw_clv_12m, b.clv_cac, b.explanation,
              b.clv_rank, b.value_score,
              CASE WHEN b.value_rank >= 0.8 THEN 'high' WHEN b.value_rank >= 0.5 THEN 'medium' ELSE 'low' END,
              f.created_at, now()
         FROM banded b JOIN loyalty_customer_fact f ON f.id = b.id
        ORDER BY f.id`,
      [runId, w.clv, w.monetary, w.frequency, w.satisfaction, w.referrals]
    )
  })
}

/**
 * Customers whose segment differs from the previous succeeded run's (or who are new to it), one
 * INSERT for the three kinds. Read from the run's scratch tables (the segments the run's rows get), so it
 * does not wait for those rows to be written. Returns the changes written.
 */
export async function insertSegmentChanges(knex: Knex, runId: string, now: Date): Promise<number> {
  const previous = await knex("loyalty_insight_run")
    .select("id")
    .where({ status: "succeeded" })
    .whereNot({ id: runId })
    .orderBy("finished_at", "desc")
    .first()
  // One pass over the run's rows for the three kinds (each kind a row of the VALUES list), in the order of the
  // customers, with ids that grow in that order (a ULID and a counter): each index of the table takes its new
  // entries at one end (the run's: in one place), not at random places in indexes larger than Postgres's
  // buffers (a first run writes three changes a customer). The sort is of one row a customer, in memory.
  return await knex.transaction(async (trx): Promise<number> => {
    await trx.raw(`SET LOCAL work_mem = '128MB'`)
    const result = await trx.raw(
      `INSERT INTO loyalty_segment_change (id, customer_id, run_id, kind, from_value, to_value, changed_at, created_at, updated_at)
       SELECT ? || lpad(to_hex(row_number() OVER ()), 8, '0'), c.customer_id, c.run_id, v.kind, v.from_value, v.to_value,
              ?, now(), now()
         FROM (SELECT f.customer_id, f.run_id, cur.rfm_segment, cur.matrix_segment, cur.lifecycle_stage,
                      prev.rfm_segment AS prev_rfm, prev.matrix_segment AS prev_matrix, prev.lifecycle_stage AS prev_lifecycle
                 FROM loyalty_customer_score cur
                 JOIN loyalty_customer_fact f ON f.id = cur.id
                 LEFT JOIN loyalty_customer_insight prev ON prev.run_id = ? AND prev.customer_id = f.customer_id
                WHERE cur.run_id = ?
                ORDER BY f.customer_id) AS c
        CROSS JOIN LATERAL (VALUES ('rfm', c.prev_rfm, c.rfm_segment),
                                   ('matrix', c.prev_matrix, c.matrix_segment),
                                   ('lifecycle', c.prev_lifecycle, c.lifecycle_stage)) AS v(kind, from_value, to_value)
        WHERE v.to_value IS DISTINCT FROM v.from_value`,
      [generateEntityId(undefined, "lsegc"), now, previous?.id ?? "", runId]
    )
    return result.rowCount ?? 0
  })
}

/** The run's customers per RFM segment. */
export async function rfmSegmentCounts(knex: Knex, runId: string): Promise<Record<string, number>> {
  const rows: { rfm_segment: string; n: string }[] = await knex("loyalty_customer_insight")
    .select("rfm_segment")
    .count({ n: "*" })
    .where({ run_id: runId })
    .groupBy("rfm_segment")
  return Object.fromEntries(rows.map((row) => [row.rfm_segment, Number(row.n)]))
}

// ---------------------------------------------------------------- reads

/** A page of a run's customer rows, filtered, best value first, without the excluded customers; and their count. */
export async function runCustomersPage(
  knex: Knex,
  runId: string,
  filters: { rfm_segment?: string; matrix_segment?: string; lifecycle_stage?: string; value_band?: string },
  page: { limit: number; offset: number; exclude_customer_ids?: string[] }
): Promise<{ customers: CustomerInsightRecord[]; count: number }> {
  const excluded = page.exclude_customer_ids ?? []
  const where = (q: Knex.QueryBuilder) => {
    q.where("i.run_id", runId)
    if (excluded.length) q.whereRaw("NOT (i.customer_id = ANY(?::text[]))", [excluded] as unknown as Knex.RawBinding[])
    for (const [key, value] of Object.entries(filters)) {
      if (value) q.where(`i.${key}`, value)
    }
    return q
  }
  const [{ count }] = await where(knex("loyalty_customer_insight as i")).count({ count: "*" })
  const rows = await where(knex("loyalty_customer_insight as i").select("i.*"))
    .orderBy([
      { column: "i.value_score", order: "desc" },
      { column: "i.customer_id", order: "asc" },
    ])
    .limit(page.limit)
    .offset(page.offset)
  return { customers: rows.map(toInsight), count: Number(count) }
}

/** Per group of `column`: customers, revenue and its share, average CLV and churn risk, members. */
export async function segmentStats(
  knex: Knex,
  runId: string,
  column: "rfm_segment" | "matrix_segment" | "lifecycle_stage" | "value_band"
): Promise<SegmentStat[]> {
  const { rows } = await knex.raw(
    `SELECT ${column} AS segment, count(*)::int AS customers, coalesce(sum(monetary), 0) AS revenue,
            coalesce(sum(monetary) / nullif(sum(sum(monetary)) OVER (), 0), 0)::float8 AS revenue_share,
            round(coalesce(avg(clv_12m), 0), 2) AS average_clv, coalesce(avg(churn_risk), 0)::float8 AS average_churn_risk,
            count(*) FILTER (WHERE is_member)::int AS members
       FROM loyalty_customer_insight WHERE run_id = ? GROUP BY ${column} ORDER BY 2 DESC, 1`,
    [runId]
  )
  // Money sums are numeric (exact); the JSON answer carries them as numbers.
  return rows.map((row: SegmentStat) => ({ ...row, revenue: Number(row.revenue), average_clv: Number(row.average_clv) }))
}

/** A customer's row in the newest succeeded run, if any. */
export async function latestCustomerInsight(knex: Knex, customerId: string): Promise<CustomerInsightRecord | null> {
  const row = await knex("loyalty_customer_insight as i")
    .join("loyalty_insight_run as r", "r.id", "i.run_id")
    .where("i.customer_id", customerId)
    .where("r.status", "succeeded")
    .orderBy("r.finished_at", "desc")
    .select("i.*")
    .first()
  return row ? toInsight(row) : null
}

// ---------------------------------------------------------------- rows as Postgres gives them

function parseJson(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value
}

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value))

/** A scoring cursor row's facts as numbers (numeric and bigint columns arrive as strings). */
export function toFacts(row: Record<string, unknown>): CustomerFacts {
  return {
    orders_count: Number(row.orders_count),
    purchase_days: Number(row.purchase_days),
    valued_days: Number(row.valued_days),
    valued_repeat_days: Number(row.valued_repeat_days),
    recency_days: Number(row.recency_days),
    tx_days: Number(row.tx_days),
    age_days: Number(row.age_days),
    monetary: Number(row.monetary),
    repeat_mean: Number(row.repeat_mean),
    recent_spend: Number(row.recent_spend),
    prior_spend: Number(row.prior_spend),
    gap_before_last: num(row.gap_before_last),
    r_score: Number(row.r_score),
    f_score: Number(row.f_score),
    m_score: Number(row.m_score),
    nps_score: num(row.nps_score),
    referrals: Number(row.referrals),
    redeemed_points: Number(row.redeemed_points),
  }
}

function toInsight(row: Record<string, unknown>) {
  return {
    id: String(row.id),
    run_id: String(row.run_id),
    customer_id: String(row.customer_id),
    is_member: !!row.is_member,
    orders_count: Number(row.orders_count),
    purchase_days: Number(row.purchase_days),
    first_order_at: new Date(row.first_order_at as string),
    last_order_at: new Date(row.last_order_at as string),
    recency_days: Number(row.recency_days),
    monetary: Number(row.monetary),
    monetary_by_currency: (parseJson(row.monetary_by_currency) as Record<string, number>) ?? {},
    r_score: Number(row.r_score),
    f_score: Number(row.f_score),
    m_score: Number(row.m_score),
    rfm_segment: (row.rfm_segment as string) ?? null,
    matrix_segment: (row.matrix_segment as string) ?? null,
    lifecycle_stage: (row.lifecycle_stage as string) ?? null,
    p_alive: num(row.p_alive),
    churn_risk: num(row.churn_risk),
    expected_90: num(row.expected_90),
    expected_365: num(row.expected_365),
    clv_12m: num(row.clv_12m),
    clv_cac: num(row.clv_cac),
    value_score: num(row.value_score),
    value_band: (row.value_band as string) ?? null,
    nps_score: num(row.nps_score),
    referrals: Number(row.referrals),
    redeemed_points: Number(row.redeemed_points),
    explanation: (row.explanation as string) ?? null,
  }
}
