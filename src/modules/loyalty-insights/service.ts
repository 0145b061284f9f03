import { Knex } from "@medusajs/framework/mikro-orm/knex"
import {
  generateEntityId,
  InjectManager,
  MedusaContext,
  MedusaError,
  MedusaService,
} from "@medusajs/framework/utils"
import { knexOf, SharedContext } from "../../lib/db"
import { BgNbdParams, bgNbdFitProblem, expectedPurchases, fitBgNbd } from "../../lib/insights/clv/bgnbd"
import { fitGammaGamma, gammaGammaFitProblem } from "../../lib/insights/clv/gamma-gamma"
import {
  CustomerFacts,
  CustomerPrediction,
  defaultInsightSettings,
  explainCustomer,
  InsightModel,
  InsightSettings,
  lifecycleStage,
  matrixSegment,
  normalizeWeights,
  predictByPace,
  predictCustomer,
  rfmSegment,
} from "../../lib/insights/rules"
import CustomerInsight from "./models/customer-insight"
import Feedback from "./models/feedback"
import InsightRun from "./models/insight-run"
import InsightSettingsModel from "./models/insight-settings"
import KpiSnapshot from "./models/kpi-snapshot"
import SegmentChange from "./models/segment-change"
import {
  ComputeInput,
  ComputeResult,
  CustomerInsightRecord,
  CustomerOrderFacts,
  HoldoutCheck,
  InsightRunRecord,
  KpiRow,
  RUN_FIELDS,
  SegmentStat,
} from "./types"


export type LoyaltyInsightsOptions = { insights?: Partial<InsightSettings> }

/** Fewer customers or repeat buyers than this and the models are not fitted (the heuristic runs, with the reason). */
export const MIN_CUSTOMERS_FOR_MODEL = 30
export const MIN_REPEAT_CUSTOMERS_FOR_MODEL = 10
/** The models are fitted on a deterministic sample of at most this many customers. */
export const MODEL_SAMPLE = 20_000
/** The holdout check compares predictions with the last this many days (13 weeks). */
export const HOLDOUT_DAYS = 91
/** Calibration repeat purchases 0 … 6 and "7+" in the check's table. */
const HOLDOUT_GROUPS = 8
/** The run warns when the holdout total is off by more than this share. */
const HOLDOUT_WARN_ERROR = 0.3
/** Customers scored per batch (one FETCH and one INSERT into the scratch table each). */
const BATCH = 5_000
/**
 * A run whose heartbeat (`updated_at`, written by every progress update and by
 * `touchRun` every `RUN_HEARTBEAT_MS`) is older than this is taken as crashed
 * and marked failed when the next run starts: a restarted server does not
 * block "Recompute now" for hours.
 */
export const STALE_RUN_MINUTES = 5
/** How often the process running a recompute says it is alive. */
export const RUN_HEARTBEAT_MS = 30_000

/**
 * Customer insights: RFM, segments, lifecycle, churn risk and CLV per
 * customer and run, segment history, KPI snapshots and feedback.
 *
 * The module reads and writes only its own tables. The recompute's workflow
 * aggregates Medusa's orders and customers, the points ledger and the
 * referrals (set-based, outside this module) and hands each customer's order
 * facts here in batches (`insertCustomerFacts`, into the unlogged scratch
 * table `loyalty_customer_fact`); the models are fitted once; customers are
 * then read once through a cursor (with their R, F and M scores) and scored
 * in batches of 5,000 into the unlogged scratch table `loyalty_customer_score`,
 * and one INSERT writes the run's rows, facts, scores and value ranks
 * together: each row with its indexes is written once. No statement is ever
 * issued per customer.
 */
export default class LoyaltyInsightsModuleService extends MedusaService({
  InsightRun,
  CustomerInsight,
  SegmentChange,
  Feedback,
  KpiSnapshot,
  InsightSettings: InsightSettingsModel,
}) {
  protected readonly options_: LoyaltyInsightsOptions

  constructor(container: Record<string, unknown>, options: LoyaltyInsightsOptions = {}) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    this.options_ = options ?? {}
  }

  // ---------------------------------------------------------------- settings

  /** The merchant's saved settings over the plugin options over the defaults. */
  @InjectManager()
  async getSettings(@MedusaContext() sharedContext: SharedContext = {}): Promise<InsightSettings> {
    const [row] = await this.listInsightSettings({}, { order: { created_at: "DESC" }, take: 1 }, sharedContext)
    const saved = (row?.settings ?? {}) as Partial<InsightSettings>
    return defaultInsightSettings({ ...(this.options_.insights ?? {}), ...saved })
  }

  /** Save the merchant's changes over the settings in force (the step `update-insight-settings`'s write). */
  @InjectManager()
  async updateSettings(
    changes: Partial<InsightSettings>,
    updatedBy: string | null,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<InsightSettings> {
    const next = { ...(await this.getSettings(sharedContext)), ...changes }
    const [row] = await this.listInsightSettings({}, { select: ["id"], take: 1 }, sharedContext)
    if (row) {
      await this.updateInsightSettings({ id: row.id, settings: next, updated_by: updatedBy }, sharedContext)
    } else {
      await this.createInsightSettings({ settings: next, updated_by: updatedBy }, sharedContext)
    }
    return next
  }

  // ---------------------------------------------------------------- runs

  /**
   * Open a run. A run left `running` by a process that stopped (no heartbeat
   * for `STALE_RUN_MINUTES`) is marked failed first; a live one refuses the
   * second run with a 400 that says so.
   */
  @InjectManager()
  async startRun(
    input: { as_of: Date; triggered_by?: string | null },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<InsightRunRecord> {
    const knex = knexOf(sharedContext)
    await knex("loyalty_insight_run")
      .where({ status: "running" })
      .where(knex.raw("coalesce(updated_at, started_at)"), "<", knex.raw(`now() - interval '${STALE_RUN_MINUTES} minutes'`))
      .update({ status: "failed", error: "Abandoned: the process running it stopped", finished_at: knex.fn.now() })
    // Scratch rows a stopped process left behind (a running run's are its own).
    for (const scratch of ["loyalty_customer_fact", "loyalty_customer_score"]) {
      await knex(scratch)
        .whereNotIn("run_id", knex("loyalty_insight_run").select("id").where({ status: "running" }))
        .delete()
    }
    try {
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
    } catch (error) {
      if ((error as { code?: string }).code === "23505") {
        const running = await knex("loyalty_insight_run").where({ status: "running" }).first()
        throw new MedusaError(
          // NOT_ALLOWED keeps the message (Medusa replaces a CONFLICT's with a generic one).
          MedusaError.Types.NOT_ALLOWED,
          `A recompute is already running (${running?.id ?? "another run"}, ${Math.round((running?.progress ?? 0) * 100)} % done)`
        )
      }
      throw error
    }
  }

  @InjectManager()
  async updateRun(
    id: string,
    patch: Partial<Omit<InsightRunRecord, "id">>,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<void> {
    await this.updateInsightRuns({ ...patch, id }, sharedContext)
  }

  /** The heartbeat of a running run: its process is alive (see `STALE_RUN_MINUTES`). */
  @InjectManager()
  async touchRun(id: string, @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    await knexOf(sharedContext)("loyalty_insight_run")
      .where({ id, status: "running" })
      .update({ updated_at: knexOf(sharedContext).fn.now() })
  }

  @InjectManager()
  async retrieveRun(id: string, @MedusaContext() sharedContext: SharedContext = {}): Promise<InsightRunRecord> {
    const [row] = await this.listInsightRuns({ id }, { select: [...RUN_FIELDS], take: 1 }, sharedContext)
    if (!row) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Insight run ${id} does not exist`)
    }
    return row
  }

  /** The newest run (any status) and the newest that succeeded: the admin shows both. */
  @InjectManager()
  async latestRuns(
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ latest: InsightRunRecord | null; succeeded: InsightRunRecord | null }> {
    const [[latest], [succeeded]] = await Promise.all([
      this.listInsightRuns({}, { select: [...RUN_FIELDS], order: { started_at: "DESC" }, take: 1 }, sharedContext),
      this.listInsightRuns(
        { status: "succeeded" },
        { select: [...RUN_FIELDS], order: { finished_at: "DESC" }, take: 1 },
        sharedContext
      ),
    ])
    return { latest: latest ?? null, succeeded: succeeded ?? null }
  }

  // ---------------------------------------------------------------- recompute

  /**
   * Stage A's write: one batch of customers' order facts (aggregated by the
   * recompute's workflow) goes to the run's scratch rows (`loyalty_customer_fact`,
   * unlogged, its primary key only), in one INSERT … SELECT from a JSON
   * array; each customer's latest feedback score as of `now` (this module's
   * table) is joined on the way. Money arrives as exact decimal strings and
   * is stored as numeric. `scoreRun` reads them and writes the run's rows.
   */
  @InjectManager()
  async insertCustomerFacts(
    runId: string,
    now: Date,
    facts: CustomerOrderFacts[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<number> {
    if (!facts.length) return 0
    return await this.insertCustomerFactsJson(runId, now, JSON.stringify(facts), sharedContext)
  }

  /**
   * `insertCustomerFacts` for a batch already written as a JSON array of
   * `CustomerOrderFacts` (timestamps as ISO strings): the aggregation step
   * has Postgres write it, so a million customers' facts are not parsed
   * into objects and serialized again on their way here.
   */
  @InjectManager()
  async insertCustomerFactsJson(
    runId: string,
    now: Date,
    factsJson: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<number> {
    const result = await knexOf(sharedContext).raw(
      `WITH facts AS (
         SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(
           customer_id text, is_member boolean, orders_count int, purchase_days int,
           first_order_at timestamptz, last_order_at timestamptz, recency_days int, tx_days int, age_days int,
           monetary numeric, monetary_by_currency text, repeat_mean numeric, recent_spend numeric, prior_spend numeric,
           gap_before_last int, referrals int, redeemed_points bigint,
           cal_purchase_days int, cal_tx_days int, cal_age_days int, holdout_purchase_days int)
       ),
       feedback AS (
         SELECT DISTINCT ON (f.customer_id) f.customer_id, f.score FROM loyalty_feedback f
          WHERE f.deleted_at IS NULL AND f.created_at <= ? AND f.customer_id IN (SELECT customer_id FROM facts)
          ORDER BY f.customer_id, f.created_at DESC, f.id DESC
       )
       INSERT INTO loyalty_customer_fact (
         id, run_id, customer_id, is_member, orders_count, purchase_days, first_order_at, last_order_at,
         recency_days, tx_days, age_days, monetary, monetary_by_currency, repeat_mean, recent_spend, prior_spend,
         raw_monetary, raw_repeat_mean, raw_recent_spend, raw_prior_spend,
         gap_before_last, nps_score, referrals, redeemed_points,
         cal_purchase_days, cal_tx_days, cal_age_days, holdout_purchase_days, created_at, updated_at)
       SELECT 'lcins_' || replace(gen_random_uuid()::text, '-', ''), ?, p.customer_id, coalesce(p.is_member, false),
              p.orders_count, p.purchase_days, p.first_order_at, p.last_order_at,
              p.recency_days, p.tx_days, p.age_days,
              p.monetary, p.monetary_by_currency::jsonb, p.repeat_mean, p.recent_spend, p.prior_spend,
              ${RAW("p.monetary")}, ${RAW("p.repeat_mean")}, ${RAW("p.recent_spend")}, ${RAW("p.prior_spend")},
              p.gap_before_last, f.score, coalesce(p.referrals, 0), coalesce(p.redeemed_points, 0),
              p.cal_purchase_days, p.cal_tx_days, p.cal_age_days, p.holdout_purchase_days,
              now(), now()
         FROM facts p LEFT JOIN feedback f ON f.customer_id = p.customer_id`,
      [factsJson, new Date(now), runId]
    )
    return result.rowCount ?? 0
  }

  /**
   * Score a run whose customers' order facts `insertCustomerFacts` wrote:
   * R, F and M scores, model fit, per-customer predictions and segments in
   * batches, value ranks, then the run's rows (written once, see
   * `writeRunRows_`) and segment changes. Reads and writes only this
   * module's tables.
   */
  @InjectManager()
  async scoreRun(input: ComputeInput, @MedusaContext() sharedContext: SharedContext = {}): Promise<ComputeResult> {
    const knex = knexOf(sharedContext)
    const { run_id: runId, settings } = input
    const now = new Date(input.now)
    const currency = input.currency_code.toLowerCase()
    const warnings: string[] = []
    const timings: Record<string, number> = {}
    let mark = Date.now()
    const lap = (stage: string) => {
      timings[stage] = Date.now() - mark
      mark = Date.now()
    }
    const customers = Number(
      (await knex("loyalty_customer_fact").where({ run_id: runId }).count({ n: "*" }))[0]?.n ?? 0
    )
    await this.updateRun(runId, { stage: "fitting models", progress: 0.2, customers }, sharedContext)
    const { model, params } = await this.fitModel_(knex, runId, customers)
    lap("fit_ms")
    let validation: HoldoutCheck | null = null
    if (model.kind === "bgnbd") {
      await this.updateRun(runId, { stage: "checking the model on the last 91 days", progress: 0.25 }, sharedContext)
      validation = await this.holdoutCheck_(knex, runId, customers, model.bgnbd)
      if (validation?.warning) warnings.push(validation.warning)
    }
    lap("holdout_ms")

    // Scoring: one pass over the run's facts (R, F and M scores come with them, see RFM_SCORES), each batch's
    // results into the scratch table; the run's rows are then written once, with the value ranks.
    let scored = 0
    let fallbackCustomers = 0
    let fallbackError = ""
    await knex("loyalty_customer_score").where({ run_id: runId }).delete()
    // A cursor needs a transaction; its writes go to the scratch table only.
    await knex.transaction(async (trx) => {
      await trx.raw(
        `DECLARE loyalty_insight_scoring NO SCROLL CURSOR FOR
         SELECT id, orders_count, purchase_days, recency_days, tx_days, age_days, monetary, repeat_mean, recent_spend,
                prior_spend, gap_before_last, nps_score, referrals, redeemed_points, ${RFM_SCORES}
           FROM loyalty_customer_fact WHERE run_id = ?`,
        [runId]
      )
      for (;;) {
        const { rows } = (await trx.raw(`FETCH ${BATCH} IN loyalty_insight_scoring`)) as {
          rows: (CustomerFacts & { id: string; f_rank: number; m_rank: number })[]
        }
        if (!rows.length) break
        const out = {
          id: [] as string[],
          r: [] as number[],
          f: [] as number[],
          m: [] as number[],
          f_rank: [] as number[],
          m_rank: [] as number[],
          nps: [] as (number | null)[],
          referrals: [] as number[],
          rfm: [] as string[],
          matrix: [] as string[],
          lifecycle: [] as string[],
          p_alive: [] as number[],
          churn: [] as number[],
          e90: [] as number[],
          e365: [] as number[],
          clv: [] as string[],
          clv_cac: [] as (number | null)[],
          explanation: [] as string[],
        }
        for (const raw of rows) {
          const facts = toFacts(raw)
          let prediction: CustomerPrediction
          try {
            prediction = predictCustomer(facts, model, settings)
            if (!Object.values(prediction).every(Number.isFinite)) {
              throw new RangeError("a prediction is not a finite number")
            }
          } catch (error) {
            // One customer the model cannot evaluate does not fail the run: they get the fallback, and the run says so.
            if (model.kind !== "bgnbd") throw error
            prediction = predictByPace(facts, model.pace, settings)
            fallbackCustomers += 1
            fallbackError = (error as Error).message
          }
          const segment = rfmSegment(facts, settings)
          out.id.push(raw.id)
          out.r.push(facts.r_score)
          out.f.push(facts.f_score)
          out.m.push(facts.m_score)
          out.f_rank.push(Number(raw.f_rank))
          out.m_rank.push(Number(raw.m_rank))
          out.nps.push(facts.nps_score)
          out.referrals.push(facts.referrals)
          out.rfm.push(segment)
          out.matrix.push(matrixSegment(facts))
          out.lifecycle.push(lifecycleStage(facts, prediction.churn_risk, settings))
          out.p_alive.push(prediction.p_alive)
          out.churn.push(prediction.churn_risk)
          out.e90.push(prediction.expected_90)
          out.e365.push(prediction.expected_365)
          // Money: rounded to the cent before it becomes a numeric.
          out.clv.push(prediction.clv_12m.toFixed(2))
          out.clv_cac.push(settings.acquisition_cost > 0 ? prediction.clv_12m / settings.acquisition_cost : null)
          out.explanation.push(explainCustomer(facts, segment, prediction, currency, settings))
        }
        await trx.raw(
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
            out.f_rank,
            out.m_rank,
            out.nps,
            out.referrals,
            out.rfm,
            out.matrix,
            out.lifecycle,
            out.p_alive,
            out.churn,
            out.e90,
            out.e365,
            out.clv,
            out.clv_cac,
            out.explanation,
          ] as unknown as Knex.RawBinding[]
        )
        scored += rows.length
        await this.updateRun(
          runId,
          { stage: `scoring customers (${scored} of ${customers})`, progress: 0.2 + 0.6 * (scored / Math.max(customers, 1)) },
          sharedContext
        )
      }
      await trx.raw("CLOSE loyalty_insight_scoring")
    })

    if (fallbackCustomers) {
      warnings.push(
        `${fallbackCustomers} customer${fallbackCustomers === 1 ? " was" : "s were"} scored by their own pace because the BG/NBD model could not evaluate them (${fallbackError})`
      )
    }
    lap("score_ms")
    await this.updateRun(runId, { stage: "ranking value and recording segment changes", progress: 0.82 }, sharedContext)
    // Fresh statistics, so that the joins of the two scratch tables are planned for their number (a hash join,
    // not a million index look-ups); the facts' row count and join key are all the plans need.
    await knex.raw("ANALYZE loyalty_customer_score")
    await knex.raw("ANALYZE loyalty_customer_fact (id, run_id)")
    // The run's rows and its segment changes are both written from the scratch tables, each by one statement
    // on its own connection, at the same time: two Postgres backends, each writing its own table and indexes.
    const since = Date.now()
    const [rankMs, [segmentChanges, historyMs]] = await Promise.all([
      this.writeRunRows_(knex, runId, settings).then(() => Date.now() - since),
      this.recordSegmentChanges_(knex, runId, now).then((n) => [n, Date.now() - since] as const),
    ])
    await knex("loyalty_customer_score").where({ run_id: runId }).delete()
    await knex("loyalty_customer_fact").where({ run_id: runId }).delete()
    timings.rank_ms = rankMs
    timings.history_ms = historyMs
    mark = Date.now()

    const segmentRows: { rfm_segment: string; n: string }[] = await knex("loyalty_customer_insight")
      .select("rfm_segment")
      .count({ n: "*" })
      .where({ run_id: runId })
      .groupBy("rfm_segment")
    return {
      customers,
      model,
      params: params && validation ? { ...params, validation } : params,
      warnings,
      segments: Object.fromEntries(segmentRows.map((row) => [row.rfm_segment, Number(row.n)])),
      segment_changes: segmentChanges,
      timings,
    }
  }

  /** Delete the customer rows and KPI snapshots of all but the newest `keep` succeeded runs (and failed runs' rows). */
  @InjectManager()
  async pruneRuns(keep: number, @MedusaContext() sharedContext: SharedContext = {}): Promise<number> {
    const knex = knexOf(sharedContext)
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

  /** Remove what a run wrote (compensation of a failed recompute). Segment changes of the run go too. */
  @InjectManager()
  async discardRunData(runId: string, @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    const knex = knexOf(sharedContext)
    await knex("loyalty_customer_insight").where({ run_id: runId }).delete()
    await knex("loyalty_customer_fact").where({ run_id: runId }).delete()
    await knex("loyalty_customer_score").where({ run_id: runId }).delete()
    await knex("loyalty_segment_change").where({ run_id: runId }).delete()
    await knex("loyalty_kpi_snapshot").where({ run_id: runId }).delete()
  }

  /** The customers of a run's RFM segment, by id (the recompute mirrors them into a customer group). */
  @InjectManager()
  async segmentCustomerIds(
    runId: string,
    segment: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<string[]> {
    const rows = await knexOf(sharedContext)("loyalty_customer_insight")
      .select("customer_id")
      .where({ run_id: runId, rfm_segment: segment })
      .orderBy("customer_id")
    return rows.map((row: { customer_id: string }) => row.customer_id)
  }

  // ---------------------------------------------------------------- reads

  /**
   * A run's customer rows, filtered by segment, best value first. The caller
   * passes the customers deleted since the run (`exclude_customer_ids`): they
   * are neither listed nor counted. Names and emails are the customer
   * module's, joined by the caller.
   */
  @InjectManager()
  async listRunCustomers(
    runId: string,
    filters: { rfm_segment?: string; matrix_segment?: string; lifecycle_stage?: string; value_band?: string },
    page: { limit: number; offset: number; exclude_customer_ids?: string[] },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ customers: CustomerInsightRecord[]; count: number }> {
    const knex = knexOf(sharedContext)
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
    const rows = await where(
      knex("loyalty_customer_insight as i").select("i.*")
    )
      .orderBy([
        { column: "i.value_score", order: "desc" },
        { column: "i.customer_id", order: "asc" },
      ])
      .limit(page.limit)
      .offset(page.offset)
    return { customers: rows.map(toInsight), count: Number(count) }
  }

  /** Per segment: customers, revenue and its share, average CLV and churn risk. */
  @InjectManager()
  async segmentSummary(
    runId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<Record<"rfm" | "matrix" | "lifecycle" | "value_band", SegmentStat[]>> {
    const knex = knexOf(sharedContext)
    const by = async (column: string): Promise<SegmentStat[]> => {
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
    return {
      rfm: await by("rfm_segment"),
      matrix: await by("matrix_segment"),
      lifecycle: await by("lifecycle_stage"),
      value_band: await by("value_band"),
    }
  }

  /** A customer's row in the newest succeeded run and their segment history, newest first. */
  @InjectManager()
  async customerInsight(
    customerId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ insight: CustomerInsightRecord | null; history: SegmentChangeRecord[] }> {
    const knex = knexOf(sharedContext)
    const row = await knex("loyalty_customer_insight as i")
      .join("loyalty_insight_run as r", "r.id", "i.run_id")
      .where("i.customer_id", customerId)
      .where("r.status", "succeeded")
      .orderBy("r.finished_at", "desc")
      .select("i.*")
      .first()
    const history = await this.listSegmentChanges(
      { customer_id: customerId },
      { select: ["kind", "from_value", "to_value", "changed_at", "run_id"], order: { changed_at: "DESC", kind: "ASC" }, take: 50 },
      sharedContext
    )
    return {
      insight: row ? toInsight(row) : null,
      history: history.map(({ kind, from_value, to_value, changed_at, run_id }) => ({ kind, from_value, to_value, changed_at, run_id })),
    }
  }

  // ---------------------------------------------------------------- KPIs

  /**
   * The program KPIs by month for members, non-members and all, computed
   * with three grouped queries (orders, ledger, feedback) and stored as the
   * run's snapshot.
   */
  @InjectManager()
  async saveKpiSnapshot(
    runId: string,
    rows: KpiRow[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<KpiRow[]> {
    await this.deleteKpiSnapshots({ run_id: runId }, sharedContext)
    if (rows.length) {
      await this.createKpiSnapshots(
        rows.map(({ month, cohort, metrics }) => ({ run_id: runId, month, cohort, metrics })),
        sharedContext
      )
    }
    return rows
  }

  @InjectManager()
  async listKpis(runId: string, @MedusaContext() sharedContext: SharedContext = {}): Promise<KpiRow[]> {
    const rows = await this.listKpiSnapshots(
      { run_id: runId },
      { select: ["month", "cohort", "metrics"], order: { month: "ASC", cohort: "ASC" }, take: null },
      sharedContext
    )
    return rows.map(({ month, cohort, metrics }) => ({ month, cohort, metrics }))
  }

  // ---------------------------------------------------------------- internals

  /** Fit BG/NBD and Gamma-Gamma on (a sample of) the run's customers, or say why not. */
  protected async fitModel_(
    knex: Knex,
    runId: string,
    customers: number
  ): Promise<{ model: InsightModel; params: Record<string, unknown> | null }> {
    const sampleEvery = Math.max(1, Math.ceil(customers / MODEL_SAMPLE))
    const sample = sampleEvery > 1 ? `AND abs(hashtext(customer_id)) % ${sampleEvery} = 0` : ""
    // In a fixed order: the likelihood is a floating-point sum, and where it is flat the optimizer's end
    // point moves with the order of its terms (the Gamma-Gamma fit did, in the 6th digit, from run to run).
    const { rows: grouped } = await knex.raw(
      `SELECT purchase_days - 1 AS x, tx_days, age_days, count(*)::int AS n
         FROM loyalty_customer_fact WHERE run_id = ? ${sample}
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [runId]
    )
    const { rows: spend } = await knex.raw(
      `SELECT purchase_days - 1 AS x, repeat_mean AS m FROM loyalty_customer_fact
        WHERE run_id = ? AND purchase_days > 1 AND repeat_mean > 0 ${sample}
        ORDER BY 1, 2`,
      [runId]
    )
    const { rows: stats } = await knex.raw(
      `SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY tx_days::float8 / (purchase_days - 1))
                FILTER (WHERE purchase_days > 1), 90) AS typical_gap,
              coalesce(sum(monetary) / nullif(sum(purchase_days), 0), 0) AS mean_order_value
         FROM loyalty_customer_fact WHERE run_id = ?`,
      [runId]
    )
    const pace = {
      typical_gap_days: Math.max(1, Number(stats[0]?.typical_gap ?? 90)),
      mean_order_value: Number(stats[0]?.mean_order_value ?? 0),
    }
    const heuristic = (
      reason: string,
      rejected: Record<string, unknown> | null = null
    ): { model: InsightModel; params: Record<string, unknown> | null } => ({
      model: { kind: "heuristic", reason, ...pace },
      // A rejected fit is kept in the run, so the merchant (or support) can see what was refused and why.
      params: rejected ? { rejected } : null,
    })
    const repeatBuyers = spend.length * sampleEvery
    if (customers < MIN_CUSTOMERS_FOR_MODEL) {
      return heuristic(
        `Only ${customers} customer${customers === 1 ? "" : "s"} with orders; BG/NBD needs at least ${MIN_CUSTOMERS_FOR_MODEL}. Churn risk and CLV use each customer's own pace until then.`
      )
    }
    if (repeatBuyers < MIN_REPEAT_CUSTOMERS_FOR_MODEL) {
      return heuristic(
        `Only ${repeatBuyers} customer${repeatBuyers === 1 ? "" : "s"} bought more than once; the models need at least ${MIN_REPEAT_CUSTOMERS_FOR_MODEL}. Churn risk and CLV use each customer's own pace until then.`
      )
    }
    try {
      const bg = fitBgNbd(
        grouped.map((row: { x: number; tx_days: number; age_days: number; n: number }) => ({
          x: Number(row.x),
          tx: Number(row.tx_days) / 7,
          T: Number(row.age_days) / 7,
          count: Number(row.n),
        }))
      )
      const spendRows = spend.map((row: { x: number; m: number }) => ({ x: Number(row.x), m: Number(row.m) }))
      const gg = fitGammaGamma(spendRows)
      const diagnostics = {
        bgnbd: bg.params,
        bgnbd_converged: bg.converged,
        bgnbd_log_standard_errors: bg.log_standard_errors,
        bgnbd_message: bg.message,
        gamma_gamma: gg.params,
        gamma_gamma_converged: gg.converged,
      }
      const fallback = "churn risk and CLV use each customer's own pace instead, which reads recency."
      const problem = bgNbdFitProblem(bg)
      if (problem) {
        return heuristic(`${problem}; ${fallback}`, { ...diagnostics, problem })
      }
      const observedMean = spendRows.reduce((sum: number, row: { m: number }) => sum + row.m, 0) / spendRows.length
      const spendProblem = gammaGammaFitProblem(gg.params, observedMean, gg.converged)
      if (spendProblem) {
        return heuristic(`${spendProblem}; ${fallback}`, { ...diagnostics, problem: spendProblem })
      }
      return {
        model: { kind: "bgnbd", bgnbd: bg.params, gamma_gamma: gg.params, pace },
        params: {
          bgnbd: bg.params,
          bgnbd_log_likelihood: bg.log_likelihood,
          gamma_gamma: gg.params,
          gamma_gamma_log_likelihood: gg.log_likelihood,
          bgnbd_log_standard_errors: bg.log_standard_errors,
          time_unit: "week",
          fitted_on: bg.customers,
          sample_every: sampleEvery,
        },
      }
    } catch (error) {
      return heuristic(`The models could not be fitted (${(error as Error).message}); the heuristic runs instead.`)
    }
  }

  /**
   * The store's own holdout check: fit BG/NBD on the history before the last
   * `HOLDOUT_DAYS` days, predict each of those customers' repeat purchases
   * in those days, and compare with what they bought (in total and by number
   * of calibration repeat purchases, as FHL's figure 4 does on CDNOW). Null
   * when too few customers bought before the holdout or the calibration fit
   * is itself rejected.
   */
  protected async holdoutCheck_(
    knex: Knex,
    runId: string,
    allCustomers: number,
    /** The full fit: the calibration fit starts there, which saves most of its iterations. */
    start: BgNbdParams
  ): Promise<HoldoutCheck | null> {
    // The same deterministic sample as the main fit, so a big store's check costs what its fit does.
    const sampleEvery = Math.max(1, Math.ceil(allCustomers / MODEL_SAMPLE))
    const sample = sampleEvery > 1 ? `AND abs(hashtext(customer_id)) % ${sampleEvery} = 0` : ""
    const { rows } = await knex.raw(
      `SELECT cal_purchase_days - 1 AS x, cal_tx_days, cal_age_days, count(*)::int AS n,
              sum(holdout_purchase_days)::int AS actual
         FROM loyalty_customer_fact WHERE run_id = ? AND cal_purchase_days IS NOT NULL ${sample}
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [runId]
    )
    const grouped = rows.map((row: Record<string, unknown>) => ({
      x: Number(row.x),
      tx: Number(row.cal_tx_days) / 7,
      T: Number(row.cal_age_days) / 7,
      count: Number(row.n),
      actual: Number(row.actual),
    }))
    const customers = grouped.reduce((n: number, row: { count: number }) => n + row.count, 0)
    const repeaters = grouped.filter((row: { x: number }) => row.x > 0).reduce((n: number, row: { count: number }) => n + row.count, 0)
    if (customers < MIN_CUSTOMERS_FOR_MODEL || repeaters < MIN_REPEAT_CUSTOMERS_FOR_MODEL) return null
    const fit = fitBgNbd(grouped, start)
    if (bgNbdFitProblem(fit)) return null
    const weeks = HOLDOUT_DAYS / 7
    const byX = new Map<number, { customers: number; predicted: number; actual: number }>()
    let predicted = 0
    let actual = 0
    for (const row of grouped) {
      let expected: number
      try {
        expected = expectedPurchases(fit.params, row, weeks) * row.count
      } catch {
        return null
      }
      predicted += expected
      actual += row.actual
      const key = Math.min(row.x, HOLDOUT_GROUPS - 1)
      const group = byX.get(key) ?? { customers: 0, predicted: 0, actual: 0 }
      group.customers += row.count
      group.predicted += expected
      group.actual += row.actual
      byX.set(key, group)
    }
    const error = actual > 0 ? predicted / actual - 1 : null
    const round = (v: number) => Math.round(v * 100) / 100
    return {
      holdout_days: HOLDOUT_DAYS,
      customers,
      sample_every: sampleEvery,
      predicted: round(predicted),
      actual,
      error: error === null ? null : round(error),
      by_repeat_purchases: [...byX.entries()]
        .sort(([a], [b]) => a - b)
        .map(([x, g]) => ({
          repeat_purchases: x === HOLDOUT_GROUPS - 1 ? `${x}+` : String(x),
          customers: g.customers,
          predicted_mean: round(g.predicted / g.customers),
          actual_mean: round(g.actual / g.customers),
        })),
      warning:
        error !== null && actual >= 20 && Math.abs(error) > HOLDOUT_WARN_ERROR
          ? `Holdout check: fitted on the history before the last ${HOLDOUT_DAYS} days, the model predicted ${Math.round(predicted)} repeat purchases in them against ${actual} actual (${error > 0 ? "+" : ""}${Math.round(error * 100)} %): read churn risk and CLV with care`
          : null,
    }
  }

  /**
   * The run's rows, written once: each customer's facts (`loyalty_customer_fact`)
   * with the scoring pass's results (`loyalty_customer_score`), the value score
   * from weighted 0–1 indicators and its ranked bands, in one INSERT … SELECT.
   * Each row so costs its five indexes and its WAL once; the facts and scores
   * before it went to unlogged tables with a primary key only.
   */
  protected async writeRunRows_(knex: Knex, runId: string, settings: InsightSettings): Promise<void> {
    const w = normalizeWeights(settings.value_weights)
    await knex.raw(
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
         id, run_id, customer_id, is_member, orders_count, purchase_days, first_order_at, last_order_at,
         recency_days, tx_days, age_days, monetary, monetary_by_currency, repeat_mean, recent_spend, prior_spend,
         raw_monetary, raw_repeat_mean, raw_recent_spend, raw_prior_spend,
         gap_before_last, nps_score, referrals, redeemed_points,
         cal_purchase_days, cal_tx_days, cal_age_days, holdout_purchase_days,
         r_score, f_score, m_score, f_rank, m_rank, rfm_segment, matrix_segment, lifecycle_stage,
         p_alive, churn_risk, expected_90, expected_365, clv_12m, raw_clv_12m, clv_cac, explanation,
         clv_rank, value_score, value_band, created_at, updated_at)
       SELECT f.id, f.run_id, f.customer_id, f.is_member, f.orders_count, f.purchase_days, f.first_order_at, f.last_order_at,
              f.recency_days, f.tx_days, f.age_days, f.monetary, f.monetary_by_currency, f.repeat_mean, f.recent_spend,
              f.prior_spend, f.raw_monetary, f.raw_repeat_mean, f.raw_recent_spend, f.raw_prior_spend,
              f.gap_before_last, f.nps_score, f.referrals, f.redeemed_points,
              f.cal_purchase_days, f.cal_tx_days, f.cal_age_days, f.holdout_purchase_days,
              b.r_score, b.f_score, b.m_score, b.f_rank, b.m_rank, b.rfm_segment, b.matrix_segment, b.lifecycle_stage,
              b.p_alive, b.churn_risk, b.expected_90, b.expected_365, b.clv_12m, b.raw_clv_12m, b.clv_cac, b.explanation,
              b.clv_rank, b.value_score,
              CASE WHEN b.value_rank >= 0.8 THEN 'high' WHEN b.value_rank >= 0.5 THEN 'medium' ELSE 'low' END,
              f.created_at, now()
         FROM banded b JOIN loyalty_customer_fact f ON f.id = b.id`,
      [runId, w.clv, w.monetary, w.frequency, w.satisfaction, w.referrals]
    )
  }

  /**
   * Stage D: customers whose segment differs from the previous succeeded run's (or who are new to it), one
   * INSERT for the three kinds. Read from the run's scratch tables (the segments the run's rows get), so it
   * does not wait for those rows to be written.
   */
  protected async recordSegmentChanges_(knex: Knex, runId: string, now: Date): Promise<number> {
    const previous = await knex("loyalty_insight_run")
      .select("id")
      .where({ status: "succeeded" })
      .whereNot({ id: runId })
      .orderBy("finished_at", "desc")
      .first()
    // One pass over the run's rows for the three kinds (each kind a row of the VALUES list).
    const result = await knex.raw(
      `INSERT INTO loyalty_segment_change (id, customer_id, run_id, kind, from_value, to_value, changed_at, created_at, updated_at)
       SELECT 'lsegc_' || replace(gen_random_uuid()::text, '-', ''), f.customer_id, f.run_id, v.kind,
              v.from_value, v.to_value, ?, now(), now()
         FROM loyalty_customer_score cur
         JOIN loyalty_customer_fact f ON f.id = cur.id
         LEFT JOIN loyalty_customer_insight prev ON prev.run_id = ? AND prev.customer_id = f.customer_id
        CROSS JOIN LATERAL (VALUES ('rfm', prev.rfm_segment, cur.rfm_segment),
                                   ('matrix', prev.matrix_segment, cur.matrix_segment),
                                   ('lifecycle', prev.lifecycle_stage, cur.lifecycle_stage)) AS v(kind, from_value, to_value)
        WHERE cur.run_id = ? AND v.to_value IS DISTINCT FROM v.from_value`,
      [now, previous?.id ?? "", runId]
    )
    return result.rowCount ?? 0
  }
}

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
 *   middle of the ranks it spans instead of at its lowest.
 */
const RFM_SCORES = `
  least(5, 1 + floor(5 * (percent_rank() OVER (ORDER BY recency_days DESC)
    + (count(*) OVER (PARTITION BY recency_days) - 1) / (2.0 * greatest(count(*) OVER () - 1, 1)))))::int AS r_score,
  CASE WHEN purchase_days >= 6 THEN 5 WHEN purchase_days >= 4 THEN 4 ELSE greatest(purchase_days, 1) END AS f_score,
  least(5, 1 + floor(5 * (percent_rank() OVER (ORDER BY monetary)
    + (count(*) OVER (PARTITION BY monetary) - 1) / (2.0 * greatest(count(*) OVER () - 1, 1)))))::int AS m_score,
  percent_rank() OVER (ORDER BY orders_count) AS f_rank,
  percent_rank() OVER (ORDER BY monetary) AS m_rank`

export type { SegmentStat }

export type SegmentChangeRecord = {
  kind: "rfm" | "matrix" | "lifecycle"
  from_value: string | null
  to_value: string
  changed_at: Date
  run_id: string
}


function parseJson(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value
}

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value))

function toFacts(row: Record<string, unknown>): CustomerFacts {
  return {
    orders_count: Number(row.orders_count),
    purchase_days: Number(row.purchase_days),
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
