import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { ContainerRegistrationKeys, MathBN } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OrderFactInput, OrderFactLine } from "../../../modules/loyalty-points/types"
import { BgNbdParams } from "../../../lib/insights/clv/bgnbd"
import { expectedSpend, GammaGammaParams } from "../../../lib/insights/clv/gamma-gamma"
import { FORWARD_WEEKS, ForwardCustomer, forwardInterval, ForwardModel } from "../../../lib/what-if/forward"
import { DecimalSum } from "../../../lib/what-if/decimal-sum"
import { analyzeStaleTables } from "../../../lib/db/statistics"
import { readMissingFacts, REPLAYED_ORDER } from "./order-facts"
import { pointsService } from "../../points/steps/resolve-service"
import {
  addOutcome,
  AffectedCustomer,
  BudgetState,
  EarningMemo,
  emptyTotals,
  keepMostAffected,
  pointsMoney,
  ReplayCustomer,
  replayCustomer,
  ReplayLine,
  ReplayOrder,
  replayReadFrom,
  RulesTotals,
  share,
  tiersNeedSimulation,
  WhatIfRules,
} from "../../../lib/what-if/replay"

export const replayOrderHistoryStepId = "loyalty-replay-order-history-step"

/** Members the forward view's interval re-evaluates under each parameter draw. */
const FORWARD_SAMPLE = 2_000

export type ReplayHistoryInput = {
  from: Date
  to: Date
  current: WhatIfRules
  proposed: WhatIfRules
  most_affected: number
}

type CurrencyFigures = {
  currency_code: string
  revenue: string
  issued: number
  redeemed: number
  expired: number
  outstanding: number
  point_value: number | null
  issued_value: string
  redeemed_value: string
  liability: string
  /** Value of the points issued ÷ revenue of the period. */
  cost_share: number | null
}

export type RulesFigures = {
  issued: number
  redeemed: number
  expired: number
  outstanding: number
  by_currency: CurrencyFigures[]
  tiers: { tier_id: string | null; name: string; members: number }[]
}

export type ForwardFigures = {
  /** The models the view comes from, and the insights run that fitted them. */
  model: string
  run_id: string
  as_of: Date
  currency_code: string
  weeks: number
  members: number
  purchases: number
  spend: string
  current_points: number
  proposed_points: number
  current_points_interval: [number, number]
  proposed_points_interval: [number, number]
  current_liability: string
  proposed_liability: string
  interval: string
}

export type WhatIfResult = {
  from: Date
  to: Date
  orders: number
  members: number
  customers: number
  /** What the ledger actually issued for the period's orders (their earn entries). */
  ledger: { issued: number }
  current: RulesFigures
  proposed: RulesFigures
  tier_moves: { up: number; down: number; simulated: boolean }
  most_affected: (AffectedCustomer & { email: string | null })[]
  forward: ForwardFigures | null
  notes: string[]
  duration_ms: number
  /** Orders whose earning facts this run filled from Medusa's tables (placed before the plugin, or never awarded). */
  facts_filled: number
  /**
   * Where the time went: reading the orders (the cursor), filling missing facts, the customers' facts, the
   * replay itself.
   */
  timings: { orders_ms: number; fill_ms: number; facts_ms: number; replay_ms: number }
}

type OrderRow = {
  id: string
  customer_id: string
  currency_code: string
  /** Placement, in epoch milliseconds. */
  at: number
  canceled: boolean
  /** The earning facts; null when the order has none yet (filled before it is replayed). */
  total: string | null
  items_net: string | null
  points_credit: string | null
  ledger_points: number | null
  /** Only read when a campaign may target channels. */
  sales_channel_id?: string | null
  /** Each line as earning read it; only read when a rule tells lines apart. */
  lines?: OrderFactLine[] | null
}

/** An order as read, with what the revenue needs besides earning. */
type ReadOrder = ReplayOrder & { canceled: boolean }

/** Writes the facts the replay filled from Medusa's tables (the points module's `recordOrderFacts`). */
export type RecordOrderFacts = (facts: OrderFactInput[]) => Promise<unknown>

type CustomerRow = {
  id: string
  email: string | null
  has_account: boolean
  groups: string[] | null
  lifetime_earned: number | null
  lifetime_redeemed: number | null
  segments: (string | null)[] | null
  purchase_days: number | null
  valued_repeat_days: number | null
  tx_days: number | null
  age_days: number | null
  repeat_mean: string | null
  expected_365: number | null
}

/**
 * The what-if replay over the store's order history, set-based: the
 * period's orders with their earning facts (`loyalty_order_fact`, one narrow
 * row per order: what earning read when it was placed), the order's status
 * and the ledger's earn entry, in one statement read through a cursor in
 * slices sorted by customer; each slice's customers' facts (membership,
 * groups, observed redemption, tier history, latest insights) in a few more,
 * read with Medusa's Postgres connection; then the pure replay
 * (`replayCustomer`) under the rules in force and the proposal, and the
 * forward view from the latest insights run's fitted models.
 *
 * Its one write: an order without facts (placed before the plugin, or whose
 * award never ran) gets them from Medusa's tables, and the points module
 * keeps them, so the next replay reads one row. Not compensated: the facts
 * describe the order as placed whatever the rest of the run does, the award
 * writes the same row (the first writer wins), and undoing a first fill of
 * a large store would only make the next preview pay for it again.
 */
export const replayOrderHistoryStep = createStep(
  replayOrderHistoryStepId,
  async (input: ReplayHistoryInput, { container }) => {
    const pg = container.resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION)
    const points = pointsService(container)
    return new StepResponse(await replayOrderHistory(pg, input, (facts) => points.recordOrderFacts(facts)))
  }
)

/** The replay itself, exported for the benchmark (which times it on a bulk-generated store). */
export async function replayOrderHistory(pg: Knex, input: ReplayHistoryInput, recordFacts: RecordOrderFacts): Promise<WhatIfResult> {
  const started = Date.now()
  const from = new Date(input.from)
  const to = new Date(input.to)
  const simulate = tiersNeedSimulation(input.current, input.proposed)
  const readFrom = replayReadFrom(from, input.current, input.proposed)

  const budgets = await budgetsAt(pg, from, input.current, input.proposed)
  const run = await latestRun(pg)
  const currentCtx = { rules: input.current, tier_mode: "recorded" as const, budgets: budgets.current, to, memo: new EarningMemo() }
  const proposedCtx = {
    rules: input.proposed,
    tier_mode: simulate ? ("simulated" as const) : ("recorded" as const),
    budgets: budgets.proposed,
    to,
    memo: new EarningMemo(),
  }
  const current = emptyTotals()
  const proposed = emptyTotals()
  const revenue = new Map<string, DecimalSum>()
  const affected: AffectedCustomer[] = []
  const emails = new Map<string, string | null>()
  let orders = 0
  let members = 0
  let customers = 0
  let ledgerIssued = 0
  let moves = { up: 0, down: 0 }
  const rank = (rules: WhatIfRules, id: string | null) => rules.tiers.find((t) => t.id === id)?.rank ?? 0
  const forward = run ? newForward(run) : null

  const timings = { orders_ms: 0, fill_ms: 0, facts_ms: 0, replay_ms: 0 }
  let factsFilled = 0
  const replayBatch = async (byCustomer: Map<string, ReadOrder[]>) => {
    const ids = [...byCustomer.keys()]
    if (!ids.length) return
    let mark = Date.now()
    const [customerRows, awardRows, tierRows] = await Promise.all([
      readCustomers(pg, ids, run?.id ?? null),
      readAwardsBefore(pg, ids, from),
      readTierHistory(pg, ids, to),
    ])
    timings.facts_ms += Date.now() - mark
    mark = Date.now()
    for (const row of customerRows) {
      const placed = byCustomer.get(row.id) ?? []
      const history = tierRows.get(row.id) ?? []
      const sums: Record<string, DecimalSum> = {}
      let inPeriod = false
      let h = 0
      for (const order of placed) {
        // The tier in effect at placement: the last tier history row before it.
        const at = order.created_at.getTime()
        while (h < history.length && history[h].at <= at) h++
        order.tier_id = h > 0 ? history[h - 1].tier_id : null
        if (!order.in_period) continue
        inPeriod = true
        orders++
        // The customer's revenue of the period by currency, canceled orders left out: exact.
        if (!order.canceled) (sums[order.currency_code] ??= new DecimalSum()).add(String(order.total))
      }
      if (!inPeriod) continue
      customers++
      const isMember = !!row.has_account
      const customerRevenue: Record<string, string> = {}
      for (const [code, sum] of Object.entries(sums)) {
        customerRevenue[code] = sum.toString()
        let total = revenue.get(code)
        if (!total) revenue.set(code, (total = new DecimalSum()))
        total.add(customerRevenue[code])
      }
      const customer: ReplayCustomer = {
        id: row.id,
        is_member: isMember,
        customer_group_ids: row.groups ?? [],
        segments: (row.segments ?? []).filter((s): s is string => !!s),
        redemption_ratio: row.lifetime_earned ? Math.min(1, Number(row.lifetime_redeemed ?? 0) / Number(row.lifetime_earned)) : 0,
        revenue: customerRevenue,
        awards_before: awardRows.get(row.id) ?? {},
        orders: placed,
      }
      const now = replayCustomer(customer, currentCtx)
      const then = replayCustomer(customer, proposedCtx)
      addOutcome(current, now, isMember)
      addOutcome(proposed, then, isMember)
      if (!isMember) continue
      members++
      const up = rank(input.proposed, then.tier_id) - rank(input.current, now.tier_id)
      if (up > 0) moves = { ...moves, up: moves.up + 1 }
      if (up < 0) moves = { ...moves, down: moves.down + 1 }
      keepMostAffected(
        affected,
        {
          customer_id: row.id,
          current_points: now.issued,
          proposed_points: then.issued,
          delta: then.issued - now.issued,
          current_tier_id: now.tier_id,
          proposed_tier_id: then.tier_id,
        },
        input.most_affected
      )
      if (affected.some((a) => a.customer_id === row.id)) emails.set(row.id, row.email)
      if (forward) addForward(forward, row, customer, now.by_currency, then.by_currency)
    }
    timings.replay_ms += Date.now() - mark
  }

  // One statement over the period's orders with their earning facts, read through a server-side cursor in
  // slices: a customer's orders are replayed once all of them have been read (a slice's last customer waits for
  // the next slice), so memory holds one slice at a time. The statement streams in customer order from the
  // orders' customer index (no sort of the whole period before the first row): Postgres never runs a cursor in
  // parallel, and a sorted read held the replay for the length of its sort (10 s of the 11 s of a two-year read
  // of 790,000 orders); streamed, Postgres reads on one core while Node replays on the other.
  const products = needsLines(input) ? await readProductFacts(pg) : null
  // The cursor's plan is made once, from the statistics: a fill (the job's, or an earlier preview's) may have
  // just written most of the facts.
  await analyzeStaleTables(pg, REPLAY_TABLES)
  const channels = input.current.campaigns.length > 0 || input.proposed.campaigns.length > 0
  const fromMs = from.getTime()
  await pg.transaction(async (trx) => {
    // Plan for the first rows (index order, nested loops by key) so that rows flow at once; no JIT.
    await trx.raw(`SET LOCAL work_mem = '128MB'; SET LOCAL jit = off; SET LOCAL cursor_tuple_fraction = 0.01`)
    await trx.raw(`DECLARE loyalty_what_if NO SCROLL CURSOR FOR ${ordersSql({ lines: !!products, channels })}`, [
      readFrom,
      to,
      readFrom,
      to,
    ] as unknown as Knex.RawBinding[])
    let waiting: ReadOrder[] = []
    let waitingId: string | null = null
    // The next slice is asked for before this one is replayed: Postgres sends it while Node replays.
    const fetchSlice = () => {
      const mark = Date.now()
      const slice = (trx.raw(`FETCH ${FETCH} FROM loyalty_what_if`) as unknown as Promise<{ rows: OrderRow[] }>).then(({ rows }) => {
        timings.orders_ms += Date.now() - mark
        return rows
      })
      // Awaited below; if the replay fails first, the transaction's end fails this fetch: not an unhandled rejection.
      slice.catch(() => undefined)
      return slice
    }
    let next = fetchSlice()
    for (;;) {
      const rows = await next
      const done = rows.length < FETCH
      if (!done) next = fetchSlice()
      // Orders placed before the plugin (or never awarded) have no facts yet: read from Medusa's tables, kept.
      const missing = rows.filter((row) => row.total === null).map((row) => row.id)
      const filled = new Map<string, OrderFactInput>()
      if (missing.length) {
        const mark = Date.now()
        const facts = await readMissingFacts(pg, missing)
        await recordFacts(facts)
        for (const fact of facts) filled.set(fact.order_id, fact)
        factsFilled += facts.length
        timings.fill_ms += Date.now() - mark
      }
      const byCustomer = new Map<string, ReadOrder[]>()
      if (waitingId) byCustomer.set(waitingId, waiting)
      for (const row of rows) {
        const fact = row.total === null ? filled.get(row.id) : undefined
        // An order Medusa's tables cannot give facts for (no summary) is not replayed, as before.
        if (row.total === null && !fact) continue
        let list = byCustomer.get(row.customer_id)
        if (!list) byCustomer.set(row.customer_id, (list = []))
        const order = toOrder(row, fact, fromMs, products)
        list.push(order)
        if (order.in_period && row.ledger_points !== null) ledgerIssued += Number(row.ledger_points)
      }
      if (!done && rows.length) {
        waitingId = rows[rows.length - 1].customer_id
        waiting = byCustomer.get(waitingId) ?? []
        byCustomer.delete(waitingId)
      } else {
        waitingId = null
        waiting = []
      }
      await replayBatch(byCustomer)
      if (done) break
    }
    await trx.raw(`CLOSE loyalty_what_if`)
  })

  const notes = [
    "Issued points are what orders earned when placed (the earn workflow's own function); returns and cancellations taking points back are not replayed.",
    "Redeemed and expired points follow each member's observed redemption ratio (lifetime redeemed ÷ earned), within the rules' redemption limits; expiry counts the unredeemed part of lots whose expiry falls before the period's end.",
    simulate
      ? "The proposal changes how tiers are reached: the tier that multiplies each order is simulated from the replayed activity (and the year before the period)."
      : "Each order keeps the tier it was placed with, at the rules' multipliers.",
    "Campaign targeting by customer group and segment reads the groups and segments of today.",
  ]
  return {
    from,
    to,
    orders,
    members,
    customers,
    ledger: { issued: ledgerIssued },
    facts_filled: factsFilled,
    current: figures(current, input.current, revenue),
    proposed: figures(proposed, input.proposed, revenue),
    tier_moves: { ...moves, simulated: simulate },
    most_affected: affected.map((a) => ({ ...a, email: emails.get(a.customer_id) ?? null })),
    forward: forward ? finishForward(forward, input) : null,
    notes,
    duration_ms: Date.now() - started,
    timings,
  }
}

/** A product's collection and categories (as they are today), which per-product rules and campaigns target. */
type ProductFacts = Map<string, { collection_id: string | null; category_ids: string[] }>

/** The one line of an order when no rule tells its lines apart: their nets added, gift cards left out. */
const itemsLine = (net: string): ReplayLine => ({
  id: "items",
  subtotal: net,
  discount_subtotal: "0",
  is_giftcard: false,
  product_id: null,
  collection_id: null,
  category_ids: NO_CATEGORIES,
})
const NO_CATEGORIES: string[] = []

function toOrder(row: OrderRow, fact: OrderFactInput | undefined, fromMs: number, products: ProductFacts | null): ReadOrder {
  const lines: ReplayLine[] = products
    ? (fact?.lines ?? row.lines ?? []).map((line) => {
        const product = line.product_id ? products.get(line.product_id) : undefined
        return {
          id: line.id,
          subtotal: line.subtotal,
          discount_subtotal: line.discount_subtotal,
          is_giftcard: line.is_giftcard,
          product_id: line.product_id,
          collection_id: product?.collection_id ?? null,
          category_ids: product?.category_ids ?? [],
        }
      })
    : [itemsLine(fact?.items_net ?? row.items_net ?? "0")]
  return {
    id: row.id,
    currency_code: row.currency_code,
    created_at: new Date(row.at),
    total: fact?.total ?? row.total ?? "0",
    points_credit: fact?.points_credit ?? row.points_credit ?? "0",
    sales_channel_id: row.sales_channel_id ?? null,
    tier_id: null,
    in_period: row.at >= fromMs,
    lines,
    canceled: row.canceled,
  }
}

/** The plugin's tables the replay's statement joins to Medusa's orders. */
const REPLAY_TABLES = ["loyalty_order_fact", "loyalty_entry"] as const

/** Orders read per FETCH of the cursor. */
const FETCH = Number(process.env.WHATIF_FETCH ?? 20_000)

/** Whether any rule tells an order's lines apart: a per-product earning rule, or a campaign that covers products. */
function needsLines(input: ReplayHistoryInput): boolean {
  const covers = (rules: WhatIfRules) =>
    rules.earning_rules.length > 0 ||
    rules.campaigns.some((c) => c.product_ids.length || c.collection_ids.length || c.category_ids.length)
  return covers(input.current) || covers(input.proposed)
}

/** Every product's collection and categories: lines name their product, rules target these. */
async function readProductFacts(pg: Knex): Promise<ProductFacts> {
  const { rows } = await pg.raw(
    `SELECT p.id, p.collection_id,
            coalesce(array_agg(pc.product_category_id) FILTER (WHERE pc.product_category_id IS NOT NULL), '{}') AS category_ids
       FROM product p LEFT JOIN product_category_product pc ON pc.product_id = p.id
      GROUP BY p.id`
  )
  return new Map(
    (rows as { id: string; collection_id: string | null; category_ids: string[] }[]).map((row) => [
      row.id,
      { collection_id: row.collection_id, category_ids: row.category_ids },
    ])
  )
}

/**
 * The orders the replay counts (Medusa's order: not deleted, not a draft, a
 * customer's) from `from` (earlier when tiers are simulated) to `to`, by
 * customer (in the database's collation, the order of Medusa's
 * `IDX_order_customer_id`, which the read walks) and placement: each with its earning facts (null when it has
 * none yet), whether it is canceled, and the ledger's earn entry. Bindings:
 * read start and end, twice (the orders' range and the facts').
 */
const ordersSql = (read: { lines: boolean; channels: boolean }) => `
  SELECT o.id, o.customer_id, lower(o.currency_code) AS currency_code,
         floor(extract(epoch FROM o.created_at) * 1000)::float8 AS at, o.status = 'canceled' AS canceled,
         f.total::text AS total, f.items_net::text AS items_net, f.points_credit::text AS points_credit,
         e.points AS ledger_points${read.channels ? ", o.sales_channel_id" : ""}${read.lines ? ", f.lines" : ""}
    FROM "order" o
    LEFT JOIN loyalty_order_fact f ON f.order_id = o.id AND f.deleted_at IS NULL AND f.placed_at >= ? AND f.placed_at < ?
    -- Each order's earn entry (its key names the order): the key is checked per entry, the join is on the id.
    LEFT JOIN (SELECT order_id, points FROM loyalty_entry
                WHERE idempotency_key = 'earn:order:' || order_id AND voided_at IS NULL AND deleted_at IS NULL) e
           ON e.order_id = o.id
   WHERE ${REPLAYED_ORDER} AND o.created_at >= ? AND o.created_at < ?
   ORDER BY o.customer_id, o.created_at, o.id`

/** The tier history of a slice's customers up to `to`, oldest first: which tier was in effect when. */
async function readTierHistory(pg: Knex, ids: string[], to: Date): Promise<Map<string, { at: number; tier_id: string | null }[]>> {
  const { rows } = await pg.raw(
    `SELECT customer_id, created_at, to_tier_id FROM loyalty_tier_history
      WHERE customer_id = ANY(?) AND created_at < ? AND deleted_at IS NULL ORDER BY customer_id, created_at, id`,
    [ids, to] as unknown as Knex.RawBinding[]
  )
  const map = new Map<string, { at: number; tier_id: string | null }[]>()
  for (const row of rows as { customer_id: string; created_at: Date; to_tier_id: string | null }[]) {
    const list = map.get(row.customer_id) ?? []
    list.push({ at: new Date(row.created_at).getTime(), tier_id: row.to_tier_id })
    map.set(row.customer_id, list)
  }
  return map
}

/** A batch's customers: membership, groups, observed redemption (the account's lifetime figures), latest insights. */
async function readCustomers(pg: Knex, ids: string[], runId: string | null): Promise<CustomerRow[]> {
  const { rows } = await pg.raw(
    `SELECT c.id, c.email, c.has_account,
            (SELECT array_agg(g.customer_group_id) FROM customer_group_customer g
              WHERE g.customer_id = c.id AND g.deleted_at IS NULL) AS groups,
            a.lifetime_earned, a.lifetime_redeemed,
            ARRAY[ci.rfm_segment, ci.matrix_segment, ci.lifecycle_stage, ci.value_band] AS segments,
            ci.purchase_days, ci.valued_repeat_days, ci.tx_days, ci.age_days, ci.repeat_mean::text AS repeat_mean,
            ci.expected_365
       FROM customer c
       LEFT JOIN loyalty_account a ON a.customer_id = c.id AND a.deleted_at IS NULL
       LEFT JOIN loyalty_customer_insight ci ON ci.run_id = ? AND ci.customer_id = c.id AND ci.deleted_at IS NULL
      WHERE c.id = ANY(?)
      ORDER BY c.id`,
    [runId ?? "", ids] as unknown as Knex.RawBinding[]
  )
  return rows
}

/** Points each campaign gave each of a batch's customers before the period (their caps). */
async function readAwardsBefore(pg: Knex, ids: string[], from: Date): Promise<Map<string, Record<string, number>>> {
  const { rows } = await pg.raw(
    `SELECT customer_id, campaign_id, sum(points)::int AS points FROM loyalty_campaign_award
      WHERE customer_id = ANY(?) AND created_at < ? AND deleted_at IS NULL GROUP BY 1, 2`,
    [ids, from] as unknown as Knex.RawBinding[]
  )
  const map = new Map<string, Record<string, number>>()
  for (const row of rows as { customer_id: string; campaign_id: string; points: number }[]) {
    map.set(row.customer_id, { ...(map.get(row.customer_id) ?? {}), [row.campaign_id]: Number(row.points) })
  }
  return map
}

/** Each budgeted campaign's points left when the period starts (its budget less what it issued before). */
async function budgetsAt(pg: Knex, from: Date, current: WhatIfRules, proposed: WhatIfRules) {
  const { rows } = await pg.raw(
    `SELECT campaign_id, sum(points)::int AS points FROM loyalty_campaign_award
      WHERE created_at < ? AND deleted_at IS NULL GROUP BY 1`,
    [from]
  )
  const spent = new Map<string, number>(rows.map((row: { campaign_id: string; points: number }) => [row.campaign_id, Number(row.points)]))
  const left = (rules: WhatIfRules): BudgetState =>
    new Map(
      rules.campaigns
        .filter((c) => c.budget_points !== null)
        .map((c) => [c.campaign_id, Math.max((c.budget_points ?? 0) - (spent.get(c.campaign_id) ?? 0), 0)])
    )
  return { current: left(current), proposed: left(proposed) }
}

type RunRow = { id: string; as_of: Date; currency_code: string | null; params: Record<string, unknown> | null }

/** The latest succeeded insights run whose BG/NBD and Gamma-Gamma fits were accepted; null when none. */
async function latestRun(pg: Knex): Promise<(RunRow & { model: ForwardModel }) | null> {
  const { rows } = await pg.raw(
    `SELECT id, as_of, currency_code, params FROM loyalty_insight_run
      WHERE status = 'succeeded' AND model = 'bgnbd' AND deleted_at IS NULL ORDER BY as_of DESC, id DESC LIMIT 1`
  )
  const row: RunRow | undefined = rows[0]
  const params = row?.params
  if (!row || !params?.bgnbd || !params.gamma_gamma) return null
  return {
    ...row,
    model: {
      bgnbd: params.bgnbd as BgNbdParams,
      gamma_gamma: params.gamma_gamma as GammaGammaParams,
      log_standard_errors: (params.bgnbd_log_standard_errors as number[] | null) ?? null,
    },
  }
}

type ForwardState = {
  run: RunRow & { model: ForwardModel }
  currency: string
  members: number
  purchases: number
  spend: number
  current: number
  proposed: number
  /** Spend of members who earned nothing in the period in the run's currency: at the period's average rate. */
  unrated_spend: number
  sample: ForwardCustomer[]
  seen: number
}

const newForward = (run: RunRow & { model: ForwardModel }): ForwardState => ({
  run,
  currency: (run.currency_code ?? "eur").toLowerCase(),
  members: 0,
  purchases: 0,
  spend: 0,
  current: 0,
  proposed: 0,
  unrated_spend: 0,
  sample: [],
  seen: 0,
})

/**
 * One member's next 12 months: the run's expected purchases (BG/NBD,
 * `expected_365`) × expected spend per purchase (Gamma-Gamma), at the
 * points per unit of money the member earned in the period under each rule.
 */
function addForward(
  state: ForwardState,
  row: CustomerRow,
  customer: ReplayCustomer,
  now: Record<string, { issued: number }>,
  then: Record<string, { issued: number }>
) {
  if (!row.purchase_days || row.expected_365 === null) return
  const x = Math.max(row.purchase_days - 1, 0)
  const m = Number(row.repeat_mean ?? 0)
  // The repeat days' mean spend is over those with a value (a day paid in a currency with no rate has none).
  const valuedX = Number(row.valued_repeat_days ?? 0)
  const spend = Number(row.expected_365) * expectedSpend(state.run.model.gamma_gamma, { x: valuedX, m })
  if (!Number.isFinite(spend)) return
  const revenue = Number(customer.revenue[state.currency] ?? 0)
  state.members++
  state.purchases += Number(row.expected_365)
  state.spend += spend
  const entry: ForwardCustomer = {
    x,
    tx: Number(row.tx_days ?? 0) / 7,
    T: Number(row.age_days ?? 0) / 7,
    m,
    valued_x: valuedX,
    current_rate: revenue > 0 ? (now[state.currency]?.issued ?? 0) / revenue : 0,
    proposed_rate: revenue > 0 ? (then[state.currency]?.issued ?? 0) / revenue : 0,
  }
  if (revenue > 0) {
    state.current += spend * entry.current_rate
    state.proposed += spend * entry.proposed_rate
  } else {
    state.unrated_spend += spend
  }
  // A reservoir sample, so the interval's draws cost the same at any size.
  state.seen++
  if (state.sample.length < FORWARD_SAMPLE) state.sample.push(entry)
  else {
    const j = Math.floor(((state.seen * 2654435761) % 4294967296) / 4294967296 * state.seen)
    if (j < FORWARD_SAMPLE) state.sample[j] = entry
  }
}

function finishForward(state: ForwardState, input: ReplayHistoryInput): ForwardFigures {
  // Members with no revenue in the period earn at the period's average points per unit of money.
  const avg = (totals: number, rated: number) => (rated > 0 ? totals / rated : 0)
  const ratedSpend = state.spend - state.unrated_spend
  const current = state.current + state.unrated_spend * avg(state.current, ratedSpend)
  const proposed = state.proposed + state.unrated_spend * avg(state.proposed, ratedSpend)
  const band = forwardInterval(state.run.model, state.sample, state.purchases)
  const round = (n: number) => Math.round(n)
  const value = (rules: WhatIfRules) => rules.program.point_values[state.currency]
  return {
    model: "BG/NBD × Gamma-Gamma",
    run_id: state.run.id,
    as_of: state.run.as_of,
    currency_code: state.currency,
    weeks: FORWARD_WEEKS,
    members: state.members,
    purchases: Math.round(state.purchases * 10) / 10,
    spend: MathBN.convert(state.spend.toFixed(2)).toString(),
    current_points: round(current),
    proposed_points: round(proposed),
    current_points_interval: [round(current * band.low), round(current * band.high)],
    proposed_points_interval: [round(proposed * band.low), round(proposed * band.high)],
    current_liability: pointsMoney(round(current), value(input.current), state.currency),
    proposed_liability: pointsMoney(round(proposed), value(input.proposed), state.currency),
    interval:
      "90 % interval: draws of the BG/NBD parameters within their standard errors, and the purchase counts' Poisson noise; spend per purchase at the Gamma-Gamma expectation.",
  }
}

/** One rule set's totals as the route shows them: points, money per currency, members per tier. */
function figures(totals: RulesTotals, rules: WhatIfRules, revenue: Map<string, DecimalSum>): RulesFigures {
  const codes = [...new Set([...Object.keys(totals.by_currency), ...revenue.keys()])].sort()
  const byCurrency = codes.map((code): CurrencyFigures => {
    const t = totals.by_currency[code] ?? { issued: 0, redeemed: 0, expired: 0, outstanding: 0 }
    const value = rules.program.point_values[code]
    const money = MathBN.convert(revenue.get(code)?.toString() ?? "0")
    const issuedValue = pointsMoney(t.issued, value, code)
    return {
      currency_code: code,
      revenue: money.toString(),
      issued: t.issued,
      redeemed: t.redeemed,
      expired: t.expired,
      outstanding: t.outstanding,
      point_value: value ?? null,
      issued_value: issuedValue,
      redeemed_value: pointsMoney(t.redeemed, value, code),
      liability: pointsMoney(t.outstanding, value, code),
      cost_share: share(issuedValue, money.toString()),
    }
  })
  const names = new Map(rules.tiers.map((t) => [t.id, t]))
  const tiers = Object.entries(totals.tiers)
    .map(([id, members]) => ({ tier_id: id || null, name: id ? names.get(id)?.name ?? id : "No tier", members, rank: names.get(id)?.rank ?? 0 }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ rank: _rank, ...tier }) => tier)
  return { issued: totals.issued, redeemed: totals.redeemed, expired: totals.expired, outstanding: totals.outstanding, by_currency: byCurrency, tiers }
}
