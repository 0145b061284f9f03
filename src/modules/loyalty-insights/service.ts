import { Readable } from "stream"
import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { InjectManager, MedusaContext, MedusaError, MedusaService } from "@medusajs/framework/utils"
import { knexOf, SharedContext, writeOnlyRow } from "../../lib/db"
import { BgNbdParams, bgNbdFitProblem, expectedPurchases, fitBgNbd } from "../../lib/insights/clv/bgnbd"
import { fitGammaGamma, gammaGammaFitProblem } from "../../lib/insights/clv/gamma-gamma"
import {
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
import { copyFacts, factLines } from "./copy-facts"
import * as sql from "./sql"
import {
  ComputeInput,
  ComputeResult,
  CustomerInsightRecord,
  CustomerOrderFacts,
  HoldoutCheck,
  InsightRunRecord,
  KpiRow,
  RUN_FIELDS,
  SegmentChangeRecord,
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
 * facts here as one stream (`copyCustomerFacts`, into the unlogged scratch
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
  constructor(container: Record<string, unknown>, protected readonly options_: LoyaltyInsightsOptions = {}) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
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
    await writeOnlyRow({ settings: next, updated_by: updatedBy }, {
      find: () => this.listInsightSettings({}, { select: ["id"], take: 1 }, sharedContext),
      update: (row) => this.updateInsightSettings(row, sharedContext),
      create: (values) => this.createInsightSettings(values, sharedContext),
    })
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
    await sql.failAbandonedRuns(knex, STALE_RUN_MINUTES)
    try {
      return await sql.insertRunningRun(knex, input)
    } catch (error) {
      if ((error as { code?: string }).code === "23505") {
        const running = await sql.runningRun(knex)
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
    await sql.touchRunningRun(knexOf(sharedContext), id)
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
   * Stage A's write: the run's customers' order facts (aggregated by the
   * recompute's workflow) as a stream of COPY text lines, one customer a line
   * in the columns and order of `FACT_STREAM_COLUMNS`, into the run's scratch
   * rows (`loyalty_customer_fact`, unlogged, its primary key only) with one
   * `COPY … FROM STDIN`; each customer's latest feedback score as of `now`
   * (this module's table) is joined after it. The aggregation step pipes its
   * `COPY (…) TO STDOUT` here, so a million customers' facts go from one
   * Postgres backend to the other in COPY's own format, never parsed or held
   * in this process. Money arrives as exact decimals and is stored as
   * numeric. `scoreRun` reads them and writes the run's rows.
   */
  @InjectManager()
  async copyCustomerFacts(
    runId: string,
    now: Date,
    facts: Readable,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<number> {
    return await copyFacts(knexOf(sharedContext), runId, now, facts)
  }

  /** `copyCustomerFacts` for facts as objects (a test, a few customers): written as the same COPY lines. */
  @InjectManager()
  async insertCustomerFacts(
    runId: string,
    now: Date,
    facts: CustomerOrderFacts[],
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<number> {
    if (!facts.length) return 0
    return await this.copyCustomerFacts(runId, now, factLines(facts), sharedContext)
  }

  /**
   * Score a run whose customers' order facts `copyCustomerFacts` wrote:
   * R, F and M scores, model fit, per-customer predictions and segments in
   * batches, value ranks, then the run's rows (written once, see
   * `sql.writeRunRows`) and segment changes. Reads and writes only this
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
    const customers = await sql.countFacts(knex, runId)
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

    // Scoring: one pass over the run's facts (R, F and M scores come with them, see sql.ts's RFM_SCORES), each batch's
    // results into the scratch table; the run's rows are then written once, with the value ranks.
    let scored = 0
    let fallbackCustomers = 0
    let fallbackError = ""
    await sql.deleteScores(knex, runId)
    // A cursor needs a transaction. While a batch is scored here, Postgres reads the next one (the cursor's
    // connection) and writes the previous one's results (another connection: the scratch table is not the
    // cursor's), so this process and Postgres work at the same time; at most three batches are held.
    await knex.transaction(async (trx) => {
      await sql.openScoringCursor(trx, runId)
      let next = quiet(sql.fetchScoringBatch(trx, BATCH))
      let writing: Promise<void> = Promise.resolve()
      for (;;) {
        const rows = await next
        if (!rows.length) break
        next = quiet(sql.fetchScoringBatch(trx, BATCH))
        const out: sql.ScoreColumns = {
          id: [],
          r: [],
          f: [],
          m: [],
          f_rank: [],
          m_rank: [],
          nps: [],
          referrals: [],
          rfm: [],
          matrix: [],
          lifecycle: [],
          p_alive: [],
          churn: [],
          e90: [],
          e365: [],
          clv: [],
          clv_cac: [],
          explanation: [],
        }
        for (const raw of rows) {
          const facts = sql.toFacts(raw)
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
        await writing
        scored += rows.length
        const progress = { stage: `scoring customers (${scored} of ${customers})`, progress: 0.2 + 0.6 * (scored / Math.max(customers, 1)) }
        writing = quiet(sql.insertScores(knex, runId, out).then(() => this.updateRun(runId, progress, sharedContext)))
      }
      await writing
      await sql.closeScoringCursor(trx)
    })

    if (fallbackCustomers) {
      warnings.push(
        `${fallbackCustomers} customer${fallbackCustomers === 1 ? " was" : "s were"} scored by their own pace because the BG/NBD model could not evaluate them (${fallbackError})`
      )
    }
    lap("score_ms")
    await this.updateRun(runId, { stage: "ranking value and recording segment changes", progress: 0.82 }, sharedContext)
    await sql.analyzeScratch(knex)
    // The run's rows and its segment changes are both written from the scratch tables, each by one statement
    // on its own connection, at the same time: two Postgres backends, each writing its own table and indexes.
    // Both settle before a failure is thrown: the step's compensation deletes the run's rows, and a write
    // still running then would commit its rows after that delete.
    const since = Date.now()
    const [rankMs, [segmentChanges, historyMs]] = await settledTogether([
      sql.writeRunRows(knex, runId, normalizeWeights(settings.value_weights)).then(() => Date.now() - since),
      sql.insertSegmentChanges(knex, runId, now).then((n) => [n, Date.now() - since] as const),
    ] as const)
    await sql.deleteScratch(knex, runId)
    timings.rank_ms = rankMs
    timings.history_ms = historyMs
    mark = Date.now()

    const segments = await sql.rfmSegmentCounts(knex, runId)
    return {
      customers,
      model,
      params: params && validation ? { ...params, validation } : params,
      warnings,
      segments,
      segment_changes: segmentChanges,
      timings,
    }
  }

  /** Delete the customer rows and KPI snapshots of all but the newest `keep` succeeded runs (and failed runs' rows). */
  @InjectManager()
  async pruneRuns(keep: number, @MedusaContext() sharedContext: SharedContext = {}): Promise<number> {
    return await sql.pruneRunRows(knexOf(sharedContext), keep)
  }

  /** Remove what a run wrote (compensation of a failed recompute). Segment changes of the run go too. */
  @InjectManager()
  async discardRunData(runId: string, @MedusaContext() sharedContext: SharedContext = {}): Promise<void> {
    await sql.deleteRunRows(knexOf(sharedContext), runId)
  }

  /** The customers of a run's RFM segment, by id (the recompute mirrors them into a customer group). */
  @InjectManager()
  async segmentCustomerIds(
    runId: string,
    segment: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<string[]> {
    const rows = await this.listCustomerInsights(
      { run_id: runId, rfm_segment: segment },
      { select: ["customer_id"], order: { customer_id: "ASC" }, take: null },
      sharedContext
    )
    return rows.map((row) => row.customer_id)
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
    return await sql.runCustomersPage(knexOf(sharedContext), runId, filters, page)
  }

  /** Per segment: customers, revenue and its share, average CLV and churn risk. */
  @InjectManager()
  async segmentSummary(
    runId: string,
    @MedusaContext() sharedContext: SharedContext = {}
  ): Promise<Record<"rfm" | "matrix" | "lifecycle" | "value_band", SegmentStat[]>> {
    const knex = knexOf(sharedContext)
    const by = (column: "rfm_segment" | "matrix_segment" | "lifecycle_stage" | "value_band") =>
      sql.segmentStats(knex, runId, column)
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
    const insight = await sql.latestCustomerInsight(knexOf(sharedContext), customerId)
    const history = await this.listSegmentChanges(
      { customer_id: customerId },
      { select: ["kind", "from_value", "to_value", "changed_at", "run_id"], order: { changed_at: "DESC", kind: "ASC" }, take: 50 },
      sharedContext
    )
    return {
      insight,
      history: history.map(({ kind, from_value, to_value, changed_at, run_id }) => ({ kind, from_value, to_value, changed_at, run_id })),
    }
  }

  // ---------------------------------------------------------------- KPIs

  /**
   * Set the run's KPI snapshot (by month, for members, non-members and all)
   * to these rows, which the workflow read from the store
   * (`snapshotKpisStep`): a retried step leaves one snapshot, not two.
   */
  @InjectManager()
  async updateKpiSnapshot(
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
    const { grouped, spend, stats } = await sql.modelInputs(knex, runId, sampleEvery)
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
        gamma_gamma_log_standard_errors: gg.log_standard_errors,
      }
      const fallback = "churn risk and CLV use each customer's own pace instead, which reads recency."
      const problem = bgNbdFitProblem(bg)
      if (problem) {
        return heuristic(`${problem}; ${fallback}`, { ...diagnostics, problem })
      }
      const observedMean = spendRows.reduce((sum: number, row: { m: number }) => sum + row.m, 0) / spendRows.length
      const spendProblem = gammaGammaFitProblem(gg, observedMean)
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
    const rows = await sql.holdoutInputs(knex, runId, sampleEvery)
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
}

/**
 * A promise awaited later (a batch read or written while another is scored), marked handled meanwhile:
 * should the scoring stop first, its failure does not become an unhandled rejection.
 */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined)
  return promise
}

export type { SegmentChangeRecord, SegmentStat }

/**
 * `Promise.all` that waits for every promise to settle before it rejects
 * with the first failure: for writes whose failure is undone by deleting
 * what they wrote, which must not race a write still in flight.
 */
async function settledTogether<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises)
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected")
  if (failed) throw failed.reason
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T
}
