import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { ContainerRegistrationKeys, MathBN } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { BigNumberValue } from "@medusajs/framework/types"
import { addMonths } from "../../../lib/shared/dates"
import { POINTS_CREDIT_LINE_REFERENCE } from "../../../lib/points/earning"
import { BgNbdParams } from "../../../lib/insights/clv/bgnbd"
import { expectedSpend, GammaGammaParams } from "../../../lib/insights/clv/gamma-gamma"
import { FORWARD_WEEKS, ForwardCustomer, forwardInterval, ForwardModel } from "../../../lib/what-if/forward"
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
  ReplayOrder,
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
  /** Where the time went: reading the orders (the cursor), the customers' facts, the replay itself. */
  timings: { orders_ms: number; facts_ms: number; replay_ms: number }
}

const ORDER_FILTER = `o.deleted_at IS NULL AND o.customer_id IS NOT NULL AND o.is_draft_order = false AND o.status <> 'draft'`

type OrderRow = {
  id: string
  customer_id: string
  currency_code: string
  created_at: Date
  sales_channel_id: string | null
  in_period: boolean
  canceled: boolean
  total: string
  points_credit: string
  ledger_points: number | null
  customer_revenue: string | null
  line_ids: string[] | null
  product_ids: (string | null)[] | null
  collection_ids: (string | null)[] | null
  /** Each line's category ids, comma-separated. */
  category_ids: string[] | null
  giftcards: boolean[] | null
  subtotals: string[] | null
  discounts: string[] | null
}

type CustomerRow = {
  id: string
  email: string | null
  has_account: boolean
  groups: string[] | null
  lifetime_earned: number | null
  lifetime_redeemed: number | null
  segments: (string | null)[] | null
  purchase_days: number | null
  tx_days: number | null
  age_days: number | null
  repeat_mean: string | null
  expected_365: number | null
}

/**
 * The what-if replay over the store's order history, set-based: customers in
 * batches of 5,000 (keyset on their id), each batch's orders of the period
 * (with their lines as placed, the points paid, the tier in effect from the
 * tier history and the ledger's earn entry) in one statement and the
 * customers' facts (membership, groups, observed redemption, latest
 * insights) in another, read with Medusa's Postgres connection; then the
 * pure replay (`replayCustomer`) under the rules in force and the proposal,
 * and the forward view from the latest insights run's fitted models.
 * Reads only: nothing to compensate.
 */
export const replayOrderHistoryStep = createStep(
  replayOrderHistoryStepId,
  async (input: ReplayHistoryInput, { container }) => {
    const pg = container.resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION)
    return new StepResponse(await replayOrderHistory(pg, input))
  }
)

/** The replay itself, exported for the benchmark (which times it on a bulk-generated store). */
export async function replayOrderHistory(pg: Knex, input: ReplayHistoryInput): Promise<WhatIfResult> {
  const started = Date.now()
  const from = new Date(input.from)
  const to = new Date(input.to)
  const simulate = tiersNeedSimulation(input.current, input.proposed)
  const lookback = (rules: WhatIfRules) =>
    rules.tier_settings.window === "lifetime" ? new Date(0) : addMonths(from, -Math.max(rules.tier_settings.window_months, 12))
  const readFrom = simulate ? new Date(Math.min(lookback(input.current).getTime(), lookback(input.proposed).getTime())) : from

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
  const revenue = new Map<string, BigNumberValue>()
  const affected: AffectedCustomer[] = []
  const emails = new Map<string, string | null>()
  let orders = 0
  let members = 0
  let customers = 0
  let ledgerIssued = 0
  let moves = { up: 0, down: 0 }
  const rank = (rules: WhatIfRules, id: string | null) => rules.tiers.find((t) => t.id === id)?.rank ?? 0
  const forward = run ? newForward(run) : null

  const timings = { orders_ms: 0, facts_ms: 0, replay_ms: 0 }
  const replayBatch = async (byCustomer: Map<string, GroupedOrder[]>) => {
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
      if (placed.some((o) => o.currency_code !== placed[0].currency_code)) {
        placed.sort((a, b) => a.order.created_at.getTime() - b.order.created_at.getTime() || a.order.id.localeCompare(b.order.id))
      }
      if (!placed.some((o) => o.in_period)) continue
      customers++
      const isMember = !!row.has_account
      const history = tierRows.get(row.id) ?? []
      const customerRevenue: Record<string, string> = {}
      let h = 0
      for (const order of placed) {
        // The tier in effect at placement: the last tier history row before it.
        while (h < history.length && history[h].at <= order.order.created_at.getTime()) h++
        order.order.tier_id = h > 0 ? history[h - 1].tier_id : null
        if (!order.in_period) continue
        orders++
        if (order.customer_revenue !== null && customerRevenue[order.currency_code] === undefined) {
          customerRevenue[order.currency_code] = order.customer_revenue
          revenue.set(order.currency_code, MathBN.add(revenue.get(order.currency_code) ?? 0, order.customer_revenue))
        }
      }
      const customer: ReplayCustomer = {
        id: row.id,
        is_member: isMember,
        customer_group_ids: row.groups ?? [],
        segments: (row.segments ?? []).filter((s): s is string => !!s),
        redemption_ratio: row.lifetime_earned ? Math.min(1, Number(row.lifetime_redeemed ?? 0) / Number(row.lifetime_earned)) : 0,
        revenue: customerRevenue,
        awards_before: awardRows.get(row.id) ?? {},
        orders: placed.map((o) => o.order),
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

  // One statement over the period's orders (hash joins, one sort), read through a server-side cursor in
  // slices: a customer's orders are replayed once all of them have been read (a slice's last customer waits
  // for the next slice), so memory holds one slice at a time.
  await pg.transaction(async (trx) => {
    // JIT compiling this one statement costs more than running it (1.3 s of 1.9 s on 25,000 orders); the
    // cursor is read to its end, so plan for all rows (hash joins), not for the first 10 % (nested loops).
    await trx.raw(`SET LOCAL work_mem = '128MB'; SET LOCAL jit = off; SET LOCAL cursor_tuple_fraction = 1`)
    const sql = needsLines(input) ? ordersSql(LINES_DETAIL) : ordersSql(LINES_NET)
    await trx.raw(`DECLARE loyalty_what_if NO SCROLL CURSOR FOR ${sql}`, [from, readFrom, to] as unknown as Knex.RawBinding[])
    let waiting: GroupedOrder[] = []
    let waitingId: string | null = null
    for (;;) {
      const fetched = Date.now()
      const { rows } = (await trx.raw(`FETCH ${FETCH} FROM loyalty_what_if`)) as { rows: OrderRow[] }
      timings.orders_ms += Date.now() - fetched
      const byCustomer = new Map<string, GroupedOrder[]>()
      if (waitingId) byCustomer.set(waitingId, waiting)
      for (const row of rows) {
        const list = byCustomer.get(row.customer_id) ?? []
        if (!list.length) byCustomer.set(row.customer_id, list)
        list.push(toGrouped(row))
      }
      const done = rows.length < FETCH
      if (!done && rows.length) {
        waitingId = rows[rows.length - 1].customer_id
        waiting = byCustomer.get(waitingId)!
        byCustomer.delete(waitingId)
      } else {
        waitingId = null
        waiting = []
      }
      ledgerIssued += rows.reduce((sum, row) => sum + (row.in_period && row.ledger_points !== null ? Number(row.ledger_points) : 0), 0)
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

type GroupedOrder = { order: ReplayOrder; in_period: boolean; canceled: boolean; currency_code: string; customer_revenue: string | null }

function toGrouped(row: OrderRow): GroupedOrder {
  const ids = row.line_ids ?? []
  return {
    order: {
      id: row.id,
      currency_code: row.currency_code,
      created_at: new Date(row.created_at),
      total: row.total,
      points_credit: row.points_credit,
      sales_channel_id: row.sales_channel_id,
      tier_id: null,
      in_period: row.in_period,
      lines: ids.map((id, i) => ({
        id,
        subtotal: row.subtotals?.[i] ?? "0",
        discount_subtotal: row.discounts?.[i] ?? "0",
        is_giftcard: !!row.giftcards?.[i],
        product_id: row.product_ids?.[i] ?? null,
        collection_id: row.collection_ids?.[i] ?? null,
        category_ids: row.category_ids?.[i] ? row.category_ids[i].split(",") : [],
      })),
    },
    in_period: row.in_period,
    canceled: row.canceled,
    currency_code: row.currency_code,
    customer_revenue: row.customer_revenue,
  }
}

/** Orders read per FETCH of the cursor. */
const FETCH = 20_000

/**
 * The period's orders as placed, oldest first per customer: each line of
 * the order's first version (net of tax when the price included it, its
 * adjustments as discounts), the total of the first order summary, the
 * points paid (our credit lines) and the ledger's earn entry. Bindings:
 * period start, read start (earlier when tiers are simulated), end.
 */
/** The net of a line: before tax (taken out when the price included it), after its adjustments. */
const LINE_SUBTOTAL = `CASE WHEN li.is_tax_inclusive THEN li.unit_price * oi.quantity / (1 + coalesce(tx.rate, 0) / 100)
                           ELSE li.unit_price * oi.quantity END`
const LINE_DISCOUNT = `coalesce(CASE WHEN li.is_tax_inclusive THEN adj.inclusive / (1 + coalesce(tx.rate, 0) / 100) ELSE 0 END
                              + adj.exclusive, 0)`
/** Each line (per-product factors or campaigns that cover products need them). */
const LINES_DETAIL = `array_agg(li.id ORDER BY li.id) AS line_ids,
           array_agg(li.product_id ORDER BY li.id) AS product_ids,
           array_agg(p.collection_id ORDER BY li.id) AS collection_ids,
           array_agg(coalesce((SELECT string_agg(pc.product_category_id, ',') FROM product_category_product pc
                                WHERE pc.product_id = li.product_id), '') ORDER BY li.id) AS category_ids,
           array_agg(coalesce(li.is_giftcard, false) ORDER BY li.id) AS giftcards,
           array_agg((${LINE_SUBTOTAL})::text ORDER BY li.id) AS subtotals,
           array_agg((${LINE_DISCOUNT})::text ORDER BY li.id) AS discounts`
/** The order's earning lines as one (no rule tells its lines apart): their nets added, gift cards left out. */
const LINES_NET = `ARRAY['items'] AS line_ids, ARRAY[NULL::text] AS product_ids, NULL::text[] AS collection_ids,
           NULL::text[] AS category_ids, ARRAY[false] AS giftcards,
           ARRAY[coalesce(sum(${LINE_SUBTOTAL} - ${LINE_DISCOUNT}) FILTER (WHERE NOT coalesce(li.is_giftcard, false)), 0)::text] AS subtotals,
           ARRAY['0'] AS discounts`

/** Whether any rule tells an order's lines apart: a per-product earning rule, or a campaign that covers products. */
function needsLines(input: ReplayHistoryInput): boolean {
  const covers = (rules: WhatIfRules) =>
    rules.earning_rules.length > 0 ||
    rules.campaigns.some((c) => c.product_ids.length || c.collection_ids.length || c.category_ids.length)
  return covers(input.current) || covers(input.proposed)
}

const ordersSql = (lineColumns: string) => `
  WITH o AS MATERIALIZED (
    SELECT o.id, o.customer_id, lower(o.currency_code) AS currency_code, o.created_at, o.sales_channel_id,
           o.created_at >= ? AS in_period, o.status = 'canceled' AS canceled
      FROM "order" o
     WHERE ${ORDER_FILTER} AND o.created_at >= ? AND o.created_at < ?
  ),
  lines AS (
    SELECT oi.order_id,
           ${lineColumns}
      FROM o
      JOIN order_item oi ON oi.order_id = o.id AND oi.version = 1 AND oi.deleted_at IS NULL
      JOIN order_line_item li ON li.id = oi.item_id
      ${lineColumns === LINES_DETAIL ? "LEFT JOIN product p ON p.id = li.product_id" : ""}
      LEFT JOIN (SELECT item_id, sum(rate) AS rate FROM order_line_item_tax_line GROUP BY item_id) tx ON tx.item_id = li.id
      LEFT JOIN (SELECT item_id, sum(amount) FILTER (WHERE is_tax_inclusive) AS inclusive,
                        coalesce(sum(amount) FILTER (WHERE NOT is_tax_inclusive), 0) AS exclusive
                   FROM order_line_item_adjustment WHERE version = 1 AND deleted_at IS NULL GROUP BY item_id) adj ON adj.item_id = li.id
     GROUP BY oi.order_id
  )
  SELECT o.id, o.customer_id, o.currency_code, o.created_at, o.sales_channel_id, o.in_period, o.canceled,
         s.total::text AS total,
         -- The customer's revenue of the period by currency (canceled orders left out), summed here, exactly.
         (sum(s.total) FILTER (WHERE o.in_period AND NOT o.canceled)
           OVER (PARTITION BY o.customer_id COLLATE "C", o.currency_code))::text
           AS customer_revenue,
         coalesce(pc.amount, 0)::text AS points_credit, e.points AS ledger_points,
         l.*
    FROM o
    -- Only the total leaves the summary's JSON: the join hashes a number, not a kilobyte of JSON per order.
    JOIN (SELECT order_id, coalesce((totals->'raw_original_order_total'->>'value')::numeric,
                                    (totals->>'original_order_total')::numeric, 0) AS total
            FROM order_summary WHERE version = 1) s ON s.order_id = o.id
    LEFT JOIN lines l ON l.order_id = o.id
    LEFT JOIN (SELECT order_id, sum(amount) AS amount FROM order_credit_line
                WHERE reference = '${POINTS_CREDIT_LINE_REFERENCE}' AND deleted_at IS NULL GROUP BY order_id) pc ON pc.order_id = o.id
    LEFT JOIN loyalty_entry e ON e.order_id = o.id AND e.idempotency_key = 'earn:order:' || o.id
                             AND e.voided_at IS NULL AND e.deleted_at IS NULL
   -- The window's order, so one sort serves both; a customer's orders in several currencies are put back
   -- in placement order when read.
   ORDER BY o.customer_id COLLATE "C", o.currency_code, o.created_at, o.id`

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
            ci.purchase_days, ci.tx_days, ci.age_days, ci.repeat_mean::text AS repeat_mean, ci.expected_365
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
  const spend = Number(row.expected_365) * expectedSpend(state.run.model.gamma_gamma, { x, m })
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
function figures(totals: RulesTotals, rules: WhatIfRules, revenue: Map<string, BigNumberValue>): RulesFigures {
  const codes = [...new Set([...Object.keys(totals.by_currency), ...revenue.keys()])].sort()
  const byCurrency = codes.map((code): CurrencyFigures => {
    const t = totals.by_currency[code] ?? { issued: 0, redeemed: 0, expired: 0, outstanding: 0 }
    const value = rules.program.point_values[code]
    const money = MathBN.convert(revenue.get(code) ?? 0)
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
