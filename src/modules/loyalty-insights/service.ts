import { Context } from "@medusajs/framework/types"
import { Knex, SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import {
  generateEntityId,
  InjectManager,
  MedusaContext,
  MedusaError,
  MedusaService,
} from "@medusajs/framework/utils"
import { BgNbdParams, bgNbdFitProblem, expectedPurchases, fitBgNbd } from "../../lib/bgnbd"
import { fitGammaGamma, gammaGammaFitProblem } from "../../lib/gamma-gamma"
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
} from "../../lib/insights"
import { kpiMetrics, KpiCounts } from "../../lib/kpis"
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
  HoldoutCheck,
  InsightRunRecord,
  KpiInput,
  KpiMetrics,
  KpiRow,
  KpiWindow,
} from "./types"

type SharedContext = Context<SqlEntityManager>

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
/** Customers scored per batch (one SELECT and one UPDATE each). */
const BATCH = 5_000
/** A run still "running" after this long is taken as crashed and marked failed. */
const STALE_RUN_MINUTES = 120

/**
 * Customer insights: RFM, segments, lifecycle, churn risk and CLV per
 * customer and run, segment history, KPI snapshots and feedback.
 *
 * The recompute reads Medusa's order tables (`order`, `order_summary`,
 * `customer`) and the points ledger (`loyalty_entry`, `loyalty_account`)
 * **read-only**, with set-based SQL: one INSERT … SELECT aggregates every
 * customer's orders; the models are fitted once; customers are then scored in
 * batches of 5,000 (one SELECT and one UPDATE … FROM unnest per batch). No
 * statement is ever issued per customer.
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
    const row = await this.knex_(sharedContext)("loyalty_insight_settings")
      .whereNull("deleted_at")
      .orderBy("created_at", "desc")
      .first()
    const saved = (row ? parseJson(row.settings) : {}) as Partial<InsightSettings>
    return defaultInsightSettings({ ...(this.options_.insights ?? {}), ...saved })
  }

  @InjectManager()
  async saveSettings(
    changes: Partial<InsightSettings>,
    updatedBy: string | null,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<InsightSettings> {
    const knex = this.knex_(sharedContext)
    const next = { ...(await this.getSettings(sharedContext)), ...changes }
    const row = await knex("loyalty_insight_settings").whereNull("deleted_at").first()
    if (row) {
      await knex("loyalty_insight_settings")
        .where({ id: row.id })
        .update({ settings: JSON.stringify(next), updated_by: updatedBy, updated_at: knex.fn.now() })
    } else {
      await knex("loyalty_insight_settings").insert({
        id: generateEntityId(undefined, "linset"),
        settings: JSON.stringify(next),
        updated_by: updatedBy,
      })
    }
    return next
  }

  // ---------------------------------------------------------------- runs

  /**
   * Open a run. A run left `running` by a crashed process for over two hours
   * is marked failed first; otherwise a second run is refused with a 400 that says so.
   */
  @InjectManager()
  async startRun(
    input: { as_of: Date; triggered_by?: string | null },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<InsightRunRecord> {
    const knex = this.knex_(sharedContext)
    await knex("loyalty_insight_run")
      .where({ status: "running" })
      .where("started_at", "<", knex.raw(`now() - interval '${STALE_RUN_MINUTES} minutes'`))
      .update({ status: "failed", error: "Abandoned: the process running it stopped", finished_at: knex.fn.now() })
    try {
      const [row] = await knex("loyalty_insight_run")
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
        .returning("*")
      return toRun(row)
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
    const values: Record<string, unknown> = { ...patch, updated_at: new Date() }
    for (const key of ["params", "summary"] as const) {
      if (key in values) values[key] = values[key] === null ? null : JSON.stringify(values[key])
    }
    await this.knex_(sharedContext)("loyalty_insight_run").where({ id }).update(values)
  }

  @InjectManager()
  async retrieveRun(id: string, @MedusaContext() sharedContext: SharedContext = {}): Promise<InsightRunRecord> {
    const row = await this.knex_(sharedContext)("loyalty_insight_run").where({ id }).whereNull("deleted_at").first()
    if (!row) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Insight run ${id} does not exist`)
    }
    return toRun(row)
  }

  /** The newest run (any status) and the newest that succeeded: the admin shows both. */
  @InjectManager()
  async latestRuns(
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ latest: InsightRunRecord | null; succeeded: InsightRunRecord | null }> {
    const knex = this.knex_(sharedContext)
    const latest = await knex("loyalty_insight_run").whereNull("deleted_at").orderBy("started_at", "desc").first()
    const succeeded = await knex("loyalty_insight_run")
      .where({ status: "succeeded" })
      .whereNull("deleted_at")
      .orderBy("finished_at", "desc")
      .first()
    return { latest: latest ? toRun(latest) : null, succeeded: succeeded ? toRun(succeeded) : null }
  }

  // ---------------------------------------------------------------- recompute

  /**
   * Compute every customer's insights for a run: aggregate, fit, score in
   * batches, rank values, record segment changes, prune old runs.
   */
  @InjectManager()
  async computeCustomerInsights(
    input: ComputeInput,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<ComputeResult> {
    const knex = this.knex_(sharedContext)
    const { run_id: runId, settings } = input
    const now = new Date(input.now)
    const currency = input.currency_code.toLowerCase()
    const rates = { ...lowerKeys(settings.currency_rates), [currency]: 1 }
    const warnings: string[] = []
    const timings: Record<string, number> = {}
    const started = Date.now()

    await this.updateRun(runId, { stage: "aggregating orders", progress: 0.05 }, sharedContext)
    await this.aggregateOrders_(knex, runId, now, rates)
    const unrated = await this.unratedCurrencies_(knex, now, rates)
    if (unrated.length) {
      warnings.push(
        `Orders in ${unrated.map((c) => c.toUpperCase()).join(", ")} have no rate to ${currency.toUpperCase()} and count 0 in money figures; set a currency rate`
      )
    }
    timings.aggregate_ms = Date.now() - started
    const scored = await this.scoreRun(input, sharedContext)
    return { ...scored, warnings: [...warnings, ...scored.warnings], timings: { ...timings, ...scored.timings } }
  }

  /**
   * Score a run whose customer rows hold their order facts (stage A wrote
   * them): R, F and M scores, model fit, per-customer predictions and
   * segments in batches, value ranks, segment changes. Reads and writes only
   * this module's tables.
   */
  @InjectManager()
  async scoreRun(input: ComputeInput, @MedusaContext() sharedContext: SharedContext = {}): Promise<ComputeResult> {
    const knex = this.knex_(sharedContext)
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
      (await knex("loyalty_customer_insight").where({ run_id: runId }).count({ n: "*" }))[0]?.n ?? 0
    )
    await this.updateRun(runId, { stage: "scoring R, F and M", progress: 0.15, customers }, sharedContext)
    await this.scoreRfm_(knex, runId)
    lap("rfm_ms")
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

    const factsColumns = [
      "id",
      "orders_count",
      "purchase_days",
      "recency_days",
      "tx_days",
      "age_days",
      "monetary",
      "repeat_mean",
      "recent_spend",
      "prior_spend",
      "gap_before_last",
      "r_score",
      "f_score",
      "m_score",
      "nps_score",
      "referrals",
      "redeemed_points",
    ]
    let scored = 0
    let after = ""
    let fallbackCustomers = 0
    let fallbackError = ""
    for (;;) {
      const rows: (CustomerFacts & { id: string })[] = await knex("loyalty_customer_insight")
        .select(factsColumns)
        .where({ run_id: runId })
        .where("id", ">", after)
        .orderBy("id")
        .limit(BATCH)
      if (!rows.length) break
      after = rows[rows.length - 1].id
      const out = {
        id: [] as string[],
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
      await knex.raw(
        `UPDATE loyalty_customer_insight t
            SET rfm_segment = u.rfm, matrix_segment = u.matrix, lifecycle_stage = u.lifecycle,
                p_alive = u.p_alive, churn_risk = u.churn, expected_90 = u.e90, expected_365 = u.e365,
                clv_12m = u.clv, raw_clv_12m = ${RAW("u.clv")}, clv_cac = u.clv_cac, explanation = u.explanation, updated_at = now()
           FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::float8[], ?::float8[], ?::float8[],
                       ?::float8[], ?::numeric[], ?::float8[], ?::text[])
                AS u(id, rfm, matrix, lifecycle, p_alive, churn, e90, e365, clv, clv_cac, explanation)
          WHERE t.id = u.id`,
        // node-postgres sends each array as one Postgres array parameter.
        [
          out.id,
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

    if (fallbackCustomers) {
      warnings.push(
        `${fallbackCustomers} customer${fallbackCustomers === 1 ? " was" : "s were"} scored by their own pace because the BG/NBD model could not evaluate them (${fallbackError})`
      )
    }
    lap("score_ms")
    await this.updateRun(runId, { stage: "ranking value", progress: 0.82 }, sharedContext)
    await this.rankValue_(knex, runId, settings)
    lap("rank_ms")

    await this.updateRun(runId, { stage: "recording segment changes", progress: 0.88 }, sharedContext)
    const segmentChanges = await this.recordSegmentChanges_(knex, runId, now)
    lap("history_ms")

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
    const knex = this.knex_(sharedContext)
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
    const knex = this.knex_(sharedContext)
    await knex("loyalty_customer_insight").where({ run_id: runId }).delete()
    await knex("loyalty_segment_change").where({ run_id: runId }).delete()
    await knex("loyalty_kpi_snapshot").where({ run_id: runId }).delete()
  }

  /**
   * Who must join and who must leave a customer group to mirror a segment of
   * a run: two set-based queries against Medusa's `customer_group_customer`.
   */
  @InjectManager()
  async segmentGroupDiff(
    runId: string,
    segment: string,
    groupId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ add: string[]; remove: string[] }> {
    const knex = this.knex_(sharedContext)
    const add = await knex.raw(
      `SELECT i.customer_id FROM loyalty_customer_insight i
        WHERE i.run_id = ? AND i.rfm_segment = ?
          AND NOT EXISTS (SELECT 1 FROM customer_group_customer g
                           WHERE g.customer_group_id = ? AND g.customer_id = i.customer_id AND g.deleted_at IS NULL)
        ORDER BY i.customer_id`,
      [runId, segment, groupId]
    )
    const remove = await knex.raw(
      `SELECT g.customer_id FROM customer_group_customer g
        WHERE g.customer_group_id = ? AND g.deleted_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM loyalty_customer_insight i
                           WHERE i.run_id = ? AND i.rfm_segment = ? AND i.customer_id = g.customer_id)
        ORDER BY g.customer_id`,
      [groupId, runId, segment]
    )
    return {
      add: add.rows.map((row: { customer_id: string }) => row.customer_id),
      remove: remove.rows.map((row: { customer_id: string }) => row.customer_id),
    }
  }

  // ---------------------------------------------------------------- reads

  @InjectManager()
  async listRunCustomers(
    runId: string,
    filters: { rfm_segment?: string; matrix_segment?: string; lifecycle_stage?: string; value_band?: string },
    page: { limit: number; offset: number },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<{ customers: (CustomerInsightRecord & { email: string | null; first_name: string | null; last_name: string | null })[]; count: number }> {
    const knex = this.knex_(sharedContext)
    // A customer deleted since the run is not listed (nor exported) at all: no email or name of theirs leaves.
    const where = (q: Knex.QueryBuilder) => {
      q.join("customer as c", "c.id", "i.customer_id").whereNull("c.deleted_at").where("i.run_id", runId)
      for (const [key, value] of Object.entries(filters)) {
        if (value) q.where(`i.${key}`, value)
      }
      return q
    }
    const [{ count }] = await where(knex("loyalty_customer_insight as i")).count({ count: "*" })
    const rows = await where(
      knex("loyalty_customer_insight as i").select("i.*", "c.email", "c.first_name", "c.last_name")
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
    const knex = this.knex_(sharedContext)
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
    const knex = this.knex_(sharedContext)
    const row = await knex("loyalty_customer_insight as i")
      .join("loyalty_insight_run as r", "r.id", "i.run_id")
      .where("i.customer_id", customerId)
      .where("r.status", "succeeded")
      .orderBy("r.finished_at", "desc")
      .select("i.*")
      .first()
    const history = await knex("loyalty_segment_change")
      .where({ customer_id: customerId })
      .orderBy([
        { column: "changed_at", order: "desc" },
        { column: "kind", order: "asc" },
      ])
      .limit(50)
    return {
      insight: row ? toInsight(row) : null,
      history: history.map((h: SegmentChangeRecord) => ({
        kind: h.kind,
        from_value: h.from_value,
        to_value: h.to_value,
        changed_at: new Date(h.changed_at),
        run_id: h.run_id,
      })),
    }
  }

  // ---------------------------------------------------------------- KPIs

  /**
   * The program KPIs by month for members, non-members and all, computed
   * with three grouped queries (orders, ledger, feedback) and stored as the
   * run's snapshot.
   */
  @InjectManager()
  async snapshotKpis(input: KpiInput, @MedusaContext() sharedContext: SharedContext = {}): Promise<KpiRow[]> {
    const rows = await this.computeKpis(input, sharedContext)
    const knex = this.knex_(sharedContext)
    await knex("loyalty_kpi_snapshot").where({ run_id: input.run_id }).delete()
    if (rows.length) {
      await knex("loyalty_kpi_snapshot").insert(
        rows.map((row) => ({
          id: generateEntityId(undefined, "lkpi"),
          run_id: input.run_id,
          month: row.month,
          cohort: row.cohort,
          metrics: JSON.stringify(row.metrics),
        }))
      )
    }
    return rows
  }

  @InjectManager()
  async listKpis(runId: string, @MedusaContext() sharedContext: SharedContext = {}): Promise<KpiRow[]> {
    const rows = await this.knex_(sharedContext)("loyalty_kpi_snapshot")
      .where({ run_id: runId })
      .orderBy([{ column: "month" }, { column: "cohort" }])
    return rows.map((row: { month: string; cohort: KpiRow["cohort"]; metrics: unknown }) => ({
      month: row.month,
      cohort: row.cohort,
      metrics: parseJson(row.metrics) as KpiRow["metrics"],
    }))
  }

  @InjectManager()
  async computeKpis(input: KpiInput, @MedusaContext() sharedContext: SharedContext = {}): Promise<KpiRow[]> {
    const knex = this.knex_(sharedContext)
    const now = new Date(input.now)
    const currency = input.currency_code.toLowerCase()
    const rates = JSON.stringify({ ...lowerKeys(input.currency_rates), [currency]: 1 })
    const months = Math.max(1, Math.min(input.months, 60))

    // Months as [start, end) in UTC, oldest first.
    const monthsCte = `
      months AS (
        SELECT m::date AS start, (m + interval '1 month')::date AS stop, to_char(m, 'YYYY-MM') AS month
          FROM generate_series(date_trunc('month', (?::timestamptz AT TIME ZONE 'UTC')) - (? - 1) * interval '1 month',
                               date_trunc('month', (?::timestamptz AT TIME ZONE 'UTC')), interval '1 month') AS m
      )`
    const monthParams = [now, months, now]

    // Orders grouped once per customer and month; every monthly figure is then
    // a window or a small join over those groups, never a scan per month.
    const { rows: orderRows } = await knex.raw(
      `WITH ${monthsCte},
       window_start AS (SELECT min(start) - interval '1 month' AS at FROM months),
       rates AS (SELECT key AS currency_code, value::numeric AS rate FROM jsonb_each_text(?::jsonb)),
       customer_months AS (
         SELECT o.customer_id, c.has_account AS member,
                date_trunc('month', o.created_at AT TIME ZONE 'UTC')::date AS month_start,
                count(*) AS orders, coalesce(sum(${ORDER_TOTAL} * r.rate), 0) AS revenue
           FROM "order" o
           JOIN order_summary s ON s.order_id = o.id AND s.version = o.version AND s.deleted_at IS NULL
           JOIN customer c ON c.id = o.customer_id
           LEFT JOIN rates r ON r.currency_code = lower(o.currency_code)
          WHERE ${ORDER_FILTER} AND o.created_at <= ?
          GROUP BY 1, 2, 3
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
                count(*) FILTER (WHERE ordered_before) AS repeat_customers,
                count(*) FILTER (WHERE ordered_previous_month) AS retained_customers
           FROM flagged, window_start w WHERE month_start >= w.at
          GROUP BY 1, 2
       ),
       joined AS (
         SELECT c.has_account AS member, date_trunc('month', c.created_at AT TIME ZONE 'UTC')::date AS month_start, count(*) AS n
           FROM customer c WHERE c.deleted_at IS NULL GROUP BY 1, 2
       )
       SELECT m.month, g.member,
              coalesce((SELECT sum(j.n) FROM joined j WHERE j.member = g.member AND j.month_start <= m.start), 0)::int AS customers,
              coalesce((SELECT sum(j.n) FROM joined j WHERE j.member = g.member AND j.month_start = m.start), 0)::int AS new_customers,
              coalesce(cur.active_customers, 0)::int AS active_customers,
              coalesce(cur.orders, 0)::bigint AS orders, coalesce(cur.revenue, 0) AS revenue,
              coalesce(cur.repeat_customers, 0)::int AS repeat_customers,
              coalesce(cur.retained_customers, 0)::int AS retained_customers,
              coalesce(prev.active_customers, 0)::int AS previous_month_customers
         FROM months m CROSS JOIN (VALUES (true), (false)) AS g(member)
         LEFT JOIN monthly cur ON cur.month_start = m.start AND cur.member = g.member
         LEFT JOIN monthly prev ON prev.month_start = (m.start - interval '1 month')::date AND prev.member = g.member
        ORDER BY m.month, g.member DESC`,
      [...monthParams, rates, now]
    )

    // The ledger grouped by month once, then running totals up to each month's end.
    const { rows: ledgerRows } = await knex.raw(
      `WITH ${monthsCte},
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
      `WITH ${monthsCte},
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
      `WITH ${monthsCte}
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
        feedbackRows
          .filter((row: { month: string; member: boolean }) => row.month === month && (isMember === null || row.member === isMember))
          .reduce(
            (acc: FeedbackCounts, row: FeedbackCounts) => ({
              responses: acc.responses + row.responses,
              promoters: acc.promoters + row.promoters,
              detractors: acc.detractors + row.detractors,
            }),
            { responses: 0, promoters: 0, detractors: 0 }
          )
      const ledger = ledgerByMonth.get(month) as Record<string, number> | undefined
      const points = ledger
        ? {
            issued: Number(ledger.issued),
            redeemed: Number(ledger.redeemed),
            expired: Number(ledger.expired),
            issued_to_date: Number(ledger.issued_to_date),
            redeemed_to_date: Number(ledger.redeemed_to_date),
            expired_to_date: Number(ledger.expired_to_date),
            outstanding: Number(ledger.outstanding),
          }
        : null
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
   * as the monthly rows, with "month" read as "window".
   */
  @InjectManager()
  async computeKpiWindow(
    input: KpiInput & { days: number },
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<KpiWindow> {
    const knex = this.knex_(sharedContext)
    const stop = new Date(input.now)
    const start = new Date(stop.getTime() - input.days * DAY_MS)
    const previous = new Date(start.getTime() - input.days * DAY_MS)
    const currency = input.currency_code.toLowerCase()
    const rates = JSON.stringify({ ...lowerKeys(input.currency_rates), [currency]: 1 })
    const { rows: orderRows } = await knex.raw(
      `WITH rates AS (SELECT key AS currency_code, value::numeric AS rate FROM jsonb_each_text(?::jsonb)),
       per_customer AS (
         SELECT o.customer_id, c.has_account AS member,
                count(*) FILTER (WHERE o.created_at > ?) AS orders,
                coalesce(sum(${ORDER_TOTAL} * r.rate) FILTER (WHERE o.created_at > ?), 0) AS revenue,
                bool_or(o.created_at <= ?) AS ordered_before,
                bool_or(o.created_at > ? AND o.created_at <= ?) AS ordered_previous
           FROM "order" o
           JOIN order_summary s ON s.order_id = o.id AND s.version = o.version AND s.deleted_at IS NULL
           JOIN customer c ON c.id = o.customer_id
           LEFT JOIN rates r ON r.currency_code = lower(o.currency_code)
          WHERE ${ORDER_FILTER} AND o.created_at <= ?
          GROUP BY 1, 2
       ),
       joined AS (
         SELECT has_account AS member, count(*) FILTER (WHERE created_at <= ?) AS customers,
                count(*) FILTER (WHERE created_at > ? AND created_at <= ?) AS new_customers
           FROM customer WHERE deleted_at IS NULL GROUP BY 1
       )
       SELECT g.member, coalesce(max(j.customers), 0)::bigint AS customers, coalesce(max(j.new_customers), 0)::bigint AS new_customers,
              count(p.customer_id) FILTER (WHERE p.orders > 0)::bigint AS active_customers,
              coalesce(sum(p.orders), 0)::bigint AS orders, coalesce(sum(p.revenue), 0) AS revenue,
              count(p.customer_id) FILTER (WHERE p.orders > 0 AND p.ordered_before)::bigint AS repeat_customers,
              count(p.customer_id) FILTER (WHERE p.orders > 0 AND p.ordered_previous)::bigint AS retained_customers,
              count(p.customer_id) FILTER (WHERE p.ordered_previous)::bigint AS previous_month_customers
         FROM (VALUES (true), (false)) AS g(member)
         LEFT JOIN joined j ON j.member = g.member
         LEFT JOIN per_customer p ON p.member = g.member
        GROUP BY g.member`,
      [rates, start, start, start, previous, start, stop, stop, start, stop]
    )
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
      feedbackRows
        .filter((row: { member: boolean }) => isMember === null || row.member === isMember)
        .reduce(
          (acc: FeedbackCounts, row: FeedbackCounts) => ({
            responses: acc.responses + row.responses,
            promoters: acc.promoters + row.promoters,
            detractors: acc.detractors + row.detractors,
          }),
          { responses: 0, promoters: 0, detractors: 0 }
        )
    const ledger = ledgerRows[0] as Record<string, string>
    const referral = referralRows[0] as Record<string, number>
    const metrics = cohortMetrics(
      pickCounts(orderRows.find((row: { member: boolean }) => row.member)),
      pickCounts(orderRows.find((row: { member: boolean }) => !row.member)),
      feedbackFor,
      {
        issued: Number(ledger.issued),
        redeemed: Number(ledger.redeemed),
        expired: Number(ledger.expired),
        issued_to_date: Number(ledger.issued_to_date),
        redeemed_to_date: Number(ledger.redeemed_to_date),
        expired_to_date: Number(ledger.expired_to_date),
        outstanding: Number(ledger.outstanding),
      },
      { made: Number(referral.made), converted: Number(referral.converted), rewarded: Number(referral.rewarded) },
      input.point_values
    )
    return { days: input.days, from: start, to: stop, ...metrics }
  }

  // ---------------------------------------------------------------- internals

  /** Stage A: one INSERT … SELECT with every customer's order facts, quintile scores and ranks. */
  protected async aggregateOrders_(
    knex: Knex,
    runId: string,
    now: Date,
    rates: Record<string, number>
  ): Promise<number> {
    const result = await knex.raw(
      `WITH rates AS (SELECT key AS currency_code, value::numeric AS rate FROM jsonb_each_text(?::jsonb)),
       today AS (SELECT (?::timestamptz AT TIME ZONE 'UTC')::date AS day),
       orders AS (
         SELECT o.customer_id, lower(o.currency_code) AS currency_code, o.created_at,
                (o.created_at AT TIME ZONE 'UTC')::date AS day,
                ${ORDER_TOTAL} AS total, ${ORDER_TOTAL} * r.rate AS base_total
           FROM "order" o
           JOIN order_summary s ON s.order_id = o.id AND s.version = o.version AND s.deleted_at IS NULL
           LEFT JOIN rates r ON r.currency_code = lower(o.currency_code)
          WHERE ${ORDER_FILTER} AND o.created_at <= ?
       ),
       days AS (
         SELECT customer_id, day, count(*) AS orders, coalesce(sum(base_total), 0) AS value,
                min(day) OVER (PARTITION BY customer_id) AS first_day,
                lag(day) OVER (PARTITION BY customer_id ORDER BY day) AS previous_day,
                row_number() OVER (PARTITION BY customer_id ORDER BY day DESC) AS from_last
           FROM orders GROUP BY customer_id, day
       ),
       per_customer AS (
         SELECT d.customer_id, sum(d.orders)::int AS orders_count, count(*)::int AS purchase_days,
                min(d.day) AS first_day, max(d.day) AS last_day, sum(d.value) AS monetary,
                coalesce(avg(d.value) FILTER (WHERE d.day > d.first_day), 0) AS repeat_mean,
                count(*) FILTER (WHERE d.day <= t.day - ${HOLDOUT_DAYS})::int AS cal_purchase_days,
                max(d.day) FILTER (WHERE d.day <= t.day - ${HOLDOUT_DAYS}) - min(d.day) AS cal_tx_days,
                count(*) FILTER (WHERE d.day > t.day - ${HOLDOUT_DAYS})::int AS holdout_purchase_days,
                coalesce(sum(d.value) FILTER (WHERE d.day > t.day - 90), 0) AS recent_spend,
                coalesce(sum(d.value) FILTER (WHERE d.day > t.day - 180 AND d.day <= t.day - 90), 0) AS prior_spend,
                max(d.day - d.previous_day) FILTER (WHERE d.from_last = 1) AS gap_before_last
           FROM days d CROSS JOIN today t GROUP BY d.customer_id
       ),
       times AS (SELECT customer_id, min(created_at) AS first_at, max(created_at) AS last_at FROM orders GROUP BY customer_id),
       by_currency AS (
         SELECT customer_id, jsonb_object_agg(currency_code, amount) AS amounts
           FROM (SELECT customer_id, currency_code, sum(total) AS amount FROM orders GROUP BY 1, 2) x
          GROUP BY customer_id
       ),
       feedback AS (
         SELECT DISTINCT ON (customer_id) customer_id, score FROM loyalty_feedback
          WHERE deleted_at IS NULL AND created_at <= ? ORDER BY customer_id, created_at DESC, id DESC
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
       INSERT INTO loyalty_customer_insight (
         id, run_id, customer_id, is_member, orders_count, purchase_days, first_order_at, last_order_at,
         recency_days, tx_days, age_days, monetary, monetary_by_currency, repeat_mean, recent_spend, prior_spend,
         raw_monetary, raw_repeat_mean, raw_recent_spend, raw_prior_spend,
         gap_before_last, nps_score, referrals, redeemed_points,
         cal_purchase_days, cal_tx_days, cal_age_days, holdout_purchase_days, created_at, updated_at)
       SELECT 'lcins_' || replace(gen_random_uuid()::text, '-', ''), ?, p.customer_id, c.has_account,
              p.orders_count, p.purchase_days, tm.first_at, tm.last_at,
              t.day - p.last_day, p.last_day - p.first_day, t.day - p.first_day,
              p.monetary, coalesce(bc.amounts, '{}'::jsonb), p.repeat_mean, p.recent_spend, p.prior_spend,
              ${RAW("p.monetary")}, ${RAW("p.repeat_mean")}, ${RAW("p.recent_spend")}, ${RAW("p.prior_spend")},
              p.gap_before_last, f.score, coalesce(rf.referrals, 0), coalesce(l.redeemed, 0),
              -- The holdout check's calibration facts: only customers who had bought before the holdout began.
              nullif(p.cal_purchase_days, 0), CASE WHEN p.cal_purchase_days > 0 THEN p.cal_tx_days END,
              CASE WHEN p.cal_purchase_days > 0 THEN t.day - ${HOLDOUT_DAYS} - p.first_day END,
              CASE WHEN p.cal_purchase_days > 0 THEN p.holdout_purchase_days END,
              now(), now()
         FROM per_customer p CROSS JOIN today t
         JOIN times tm ON tm.customer_id = p.customer_id
         JOIN customer c ON c.id = p.customer_id AND c.deleted_at IS NULL
         LEFT JOIN by_currency bc ON bc.customer_id = p.customer_id
         LEFT JOIN feedback f ON f.customer_id = p.customer_id
         LEFT JOIN ledger l ON l.customer_id = p.customer_id
         LEFT JOIN referrals rf ON rf.customer_id = p.customer_id`,
      [JSON.stringify(rates), now, now, now, now, now, runId]
    )
    return result.rowCount ?? 0
  }

  /**
   * Stage B: R, F and M scores (1–5) and the F and M percentile ranks, on
   * this module's rows only. Ties always share a score:
   * - F by fixed thresholds on purchase days, because most customers of most
   *   stores buy once or twice and quantiles cannot split ties (percent_rank
   *   left F = 2 empty on CDNOW): 1 day → 1, 2 → 2, 3 → 3, 4–5 → 4, 6+ → 5.
   * - R and M by quintile of the tie group's mid-rank, mid = (rank − 1 +
   *   (ties − 1)/2) / (n − 1), score = 1 + ⌊5·mid⌋ (5 at the top): without
   *   ties this is plain percent_rank quintiles; a tie group sits in the
   *   middle of the ranks it spans instead of at its lowest.
   */
  protected async scoreRfm_(knex: Knex, runId: string): Promise<void> {
    await knex.raw(
      `WITH ranked AS (
         SELECT id,
                (percent_rank() OVER (ORDER BY recency_days DESC)
                  + (count(*) OVER (PARTITION BY recency_days) - 1) / (2.0 * greatest(count(*) OVER () - 1, 1))) AS r_mid,
                (percent_rank() OVER (ORDER BY monetary)
                  + (count(*) OVER (PARTITION BY monetary) - 1) / (2.0 * greatest(count(*) OVER () - 1, 1))) AS m_mid,
                percent_rank() OVER (ORDER BY orders_count) AS f_rank,
                percent_rank() OVER (ORDER BY monetary) AS m_rank
           FROM loyalty_customer_insight WHERE run_id = ?
       )
       UPDATE loyalty_customer_insight t
          SET r_score = least(5, 1 + floor(5 * r.r_mid))::int,
              m_score = least(5, 1 + floor(5 * r.m_mid))::int,
              f_score = CASE WHEN t.purchase_days >= 6 THEN 5 WHEN t.purchase_days >= 4 THEN 4
                             ELSE greatest(t.purchase_days, 1) END,
              f_rank = r.f_rank, m_rank = r.m_rank
         FROM ranked r WHERE t.id = r.id`,
      [runId]
    )
  }

  protected async unratedCurrencies_(knex: Knex, now: Date, rates: Record<string, number>): Promise<string[]> {
    const { rows } = await knex.raw(
      `SELECT DISTINCT lower(o.currency_code) AS code FROM "order" o
        WHERE ${ORDER_FILTER} AND o.created_at <= ? AND NOT (lower(o.currency_code) = ANY(?::text[]))`,
      [now, Object.keys(rates)]
    )
    return rows.map((row: { code: string }) => row.code).sort()
  }

  /** Fit BG/NBD and Gamma-Gamma on (a sample of) the run's customers, or say why not. */
  protected async fitModel_(
    knex: Knex,
    runId: string,
    customers: number
  ): Promise<{ model: InsightModel; params: Record<string, unknown> | null }> {
    const sampleEvery = Math.max(1, Math.ceil(customers / MODEL_SAMPLE))
    const sample = sampleEvery > 1 ? `AND abs(hashtext(customer_id)) % ${sampleEvery} = 0` : ""
    const { rows: grouped } = await knex.raw(
      `SELECT purchase_days - 1 AS x, tx_days, age_days, count(*)::int AS n
         FROM loyalty_customer_insight WHERE run_id = ? ${sample}
        GROUP BY 1, 2, 3`,
      [runId]
    )
    const { rows: spend } = await knex.raw(
      `SELECT purchase_days - 1 AS x, repeat_mean AS m FROM loyalty_customer_insight
        WHERE run_id = ? AND purchase_days > 1 AND repeat_mean > 0 ${sample}`,
      [runId]
    )
    const { rows: stats } = await knex.raw(
      `SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY tx_days::float8 / (purchase_days - 1))
                FILTER (WHERE purchase_days > 1), 90) AS typical_gap,
              coalesce(sum(monetary) / nullif(sum(purchase_days), 0), 0) AS mean_order_value
         FROM loyalty_customer_insight WHERE run_id = ?`,
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
         FROM loyalty_customer_insight WHERE run_id = ? AND cal_purchase_days IS NOT NULL ${sample}
        GROUP BY 1, 2, 3`,
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

  /** Stage C: value score from weighted 0–1 indicators, then ranked bands. */
  protected async rankValue_(knex: Knex, runId: string, settings: InsightSettings): Promise<void> {
    const w = normalizeWeights(settings.value_weights)
    await knex.raw(
      `WITH ranked AS (
         SELECT id, percent_rank() OVER (ORDER BY clv_12m)::float8 AS clv_rank
           FROM loyalty_customer_insight WHERE run_id = ?
       )
       UPDATE loyalty_customer_insight t
          SET clv_rank = r.clv_rank,
              value_score = ?::float8 * r.clv_rank + ?::float8 * t.m_rank + ?::float8 * t.f_rank
                          + ?::float8 * coalesce(t.nps_score / 10.0, 0.5) + ?::float8 * least(t.referrals, 3) / 3.0
         FROM ranked r WHERE t.id = r.id`,
      [runId, w.clv, w.monetary, w.frequency, w.satisfaction, w.referrals]
    )
    await knex.raw(
      `WITH ranked AS (
         SELECT id, percent_rank() OVER (ORDER BY value_score) AS value_rank
           FROM loyalty_customer_insight WHERE run_id = ?
       )
       UPDATE loyalty_customer_insight t
          SET value_band = CASE WHEN r.value_rank >= 0.8 THEN 'high' WHEN r.value_rank >= 0.5 THEN 'medium' ELSE 'low' END
         FROM ranked r WHERE t.id = r.id`,
      [runId]
    )
  }

  /** Stage D: customers whose segment differs from the previous succeeded run's (or who are new to it). */
  protected async recordSegmentChanges_(knex: Knex, runId: string, now: Date): Promise<number> {
    const previous = await knex("loyalty_insight_run")
      .select("id")
      .where({ status: "succeeded" })
      .whereNot({ id: runId })
      .orderBy("finished_at", "desc")
      .first()
    let total = 0
    for (const [kind, column] of [
      ["rfm", "rfm_segment"],
      ["matrix", "matrix_segment"],
      ["lifecycle", "lifecycle_stage"],
    ] as const) {
      const result = await knex.raw(
        `INSERT INTO loyalty_segment_change (id, customer_id, run_id, kind, from_value, to_value, changed_at, created_at, updated_at)
         SELECT 'lsegc_' || replace(gen_random_uuid()::text, '-', ''), cur.customer_id, cur.run_id, ?,
                prev.${column}, cur.${column}, ?, now(), now()
           FROM loyalty_customer_insight cur
           LEFT JOIN loyalty_customer_insight prev ON prev.run_id = ? AND prev.customer_id = cur.customer_id
          WHERE cur.run_id = ? AND cur.${column} IS DISTINCT FROM prev.${column}`,
        [kind, now, previous?.id ?? "", runId]
      )
      total += result.rowCount ?? 0
    }
    return total
  }

  protected knex_(sharedContext: SharedContext): Knex {
    const manager = (sharedContext.transactionManager ?? sharedContext.manager) as SqlEntityManager
    return manager.getTransactionContext<Knex.Transaction>() ?? manager.getKnex()
  }
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

/** Medusa's raw big-number JSON ({ value, precision }) for a numeric SQL expression, as its bigNumber columns keep it. */
const RAW = (expression: string) => `jsonb_build_object('value', (${expression})::text, 'precision', 20)`
const ORDER_TOTAL = `coalesce((s.totals->'raw_current_order_total'->>'value')::numeric,
  (s.totals->>'current_order_total')::numeric, 0)`

export type SegmentStat = {
  segment: string | null
  customers: number
  members: number
  revenue: number
  revenue_share: number
  average_clv: number
  average_churn_risk: number
}

export type SegmentChangeRecord = {
  kind: "rfm" | "matrix" | "lifecycle"
  from_value: string | null
  to_value: string
  changed_at: Date
  run_id: string
}

type FeedbackCounts = { responses: number; promoters: number; detractors: number }
type OrderCounts = {
  customers: number
  new_customers: number
  active_customers: number
  orders: number
  revenue: number
  repeat_customers: number
  retained_customers: number
  previous_month_customers: number
}

function pickCounts(row: Record<string, unknown> | undefined): OrderCounts {
  const n = (key: string) => Number(row?.[key] ?? 0)
  return {
    customers: n("customers"),
    new_customers: n("new_customers"),
    active_customers: n("active_customers"),
    orders: n("orders"),
    revenue: n("revenue"),
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

function toRun(row: Record<string, unknown>): InsightRunRecord {
  return {
    id: String(row.id),
    status: row.status as InsightRunRecord["status"],
    as_of: new Date(row.as_of as string),
    started_at: new Date(row.started_at as string),
    finished_at: row.finished_at ? new Date(row.finished_at as string) : null,
    progress: Number(row.progress),
    stage: String(row.stage),
    customers: Number(row.customers),
    currency_code: (row.currency_code as string) ?? null,
    model: (row.model as string) ?? null,
    model_reason: (row.model_reason as string) ?? null,
    params: (parseJson(row.params) as Record<string, unknown>) ?? null,
    summary: (parseJson(row.summary) as Record<string, unknown>) ?? null,
    error: (row.error as string) ?? null,
    triggered_by: (row.triggered_by as string) ?? null,
  }
}

function toInsight(row: Record<string, unknown>) {
  return {
    id: String(row.id),
    run_id: String(row.run_id),
    customer_id: String(row.customer_id),
    email: (row.email as string) ?? null,
    first_name: (row.first_name as string) ?? null,
    last_name: (row.last_name as string) ?? null,
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
