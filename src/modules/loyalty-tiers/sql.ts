import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { generateEntityId } from "@medusajs/framework/utils"
import { DueCursor, DuePage, duePage, keysetAfter, lockOrCreate, setLockTimeout } from "../../lib/db"
import { MembershipState, TierChangeReason } from "../../lib/tiers/membership"
import { MetricsSums } from "../../lib/tiers/rules"
import { ActivityInput, LoyaltyTier, TIER_FIELDS } from "./types"

/**
 * The tiers module's SQL, in one place: only what Postgres is the point of.
 * The membership lock and what is written under it (every decision about a
 * customer holds their row `FOR UPDATE`; history lines carry the statement's
 * clock so the lines of one decision keep their order), the activity written
 * once per key (`ON CONFLICT DO NOTHING`), the sums the tier metrics are, and
 * the set-based reads of the jobs and pages (keyset due queues, a page of
 * customers' metrics, member counts, the tier in effect in one statement).
 * Everything else goes through `MedusaService`'s generated methods.
 */

/** A membership row as the lock reads it. */
export type MembershipRow = MembershipState & { id: string; customer_id: string }

/** A history line as `writeMembership_` writes it. */
export type HistoryRow = {
  id: string
  customer_id: string
  from_tier_id: string | null
  from_tier_name: string | null
  to_tier_id: string | null
  to_tier_name: string | null
  reason: TierChangeReason
  note: string
  actor_type: "system" | "admin"
  actor_id: string | null
  qualified_until: Date | null
  details: Record<string, unknown>
  idempotency_key: string
}

// ---------------------------------------------------------------- the membership lock

/**
 * Lock the customer's membership row for the rest of the transaction,
 * creating it first when there is none (two first decisions at once create
 * one row: the second insert does nothing and waits for the first's lock).
 */
export async function lockMembership(trx: Knex.Transaction, customerId: string): Promise<MembershipRow> {
  return await lockOrCreate<MembershipRow>(trx, "loyalty_tier_membership", { customer_id: customerId }, async () => {
    await trx.raw(
      `INSERT INTO loyalty_tier_membership (id, customer_id) VALUES (?, ?)
       ON CONFLICT (customer_id) WHERE deleted_at IS NULL DO NOTHING`,
      [generateEntityId(undefined, "ltmem"), customerId]
    )
  })
}

/** The customer's membership row locked, if there is one (a compensation never creates one). */
export async function lockExistingMembership(trx: Knex.Transaction, customerId: string): Promise<MembershipRow | undefined> {
  await setLockTimeout(trx)
  return await trx<MembershipRow>("loyalty_tier_membership")
    .where({ customer_id: customerId })
    .whereNull("deleted_at")
    .forUpdate()
    .first()
}

/**
 * Lock the memberships whose earned tier or tier in effect is `tierId` (in
 * customer order, as every other locker takes one row) and the overrides
 * that set it, before the tier is deleted and its members moved.
 */
export async function lockTierMembers(
  trx: Knex.Transaction,
  tierId: string
): Promise<{ members: MembershipRow[]; override_ids: string[] }> {
  await setLockTimeout(trx)
  const members = await trx<MembershipRow>("loyalty_tier_membership")
    .whereNull("deleted_at")
    .where((q) => q.where({ tier_id: tierId }).orWhere({ earned_tier_id: tierId }))
    .orderBy("customer_id")
    .forUpdate()
  const overrides: { id: string }[] = await trx("loyalty_tier_override")
    .select("id")
    .where({ tier_id: tierId })
    .whereNull("ended_at")
    .whereNull("deleted_at")
    .forUpdate()
  return { members, override_ids: overrides.map((override) => override.id) }
}

/** Write a locked membership's state. */
export async function updateMembershipState(trx: Knex.Transaction, id: string, state: MembershipState): Promise<void> {
  await trx("loyalty_tier_membership")
    .where({ id })
    .update({ ...state, updated_at: trx.fn.now() })
}

/**
 * One history line, stamped with the statement's clock (not the
 * transaction's): an override that ran out and the upgrade decided after it
 * are two lines of one transaction, and newest-first lists them in order.
 */
export async function insertHistory(trx: Knex.Transaction, row: HistoryRow): Promise<void> {
  await trx("loyalty_tier_history").insert({
    ...row,
    created_at: trx.raw("clock_timestamp()"),
    updated_at: trx.raw("clock_timestamp()"),
  })
}

// ---------------------------------------------------------------- a page of memberships (the review pass)

/** A membership row of a page, with the override it names (deleted or not: the per-customer path reads it so too). */
export type PageMembershipRow = MembershipRow & {
  override: { id: string; tier_id: string | null; ended_at: Date | null; ends_at: Date | null; deleted_at: Date | null } | null
}

/**
 * Lock these customers' membership rows for the rest of the transaction, in
 * customer order (as every other locker of several rows), each with its
 * override. `skipLocked`: rows another transaction holds are left out (that
 * customer is being decided about right now; the caller hands them to the
 * per-customer path, which waits for the lock); without it, wait for them.
 */
export async function lockMembershipPage(
  trx: Knex.Transaction,
  customerIds: string[],
  { skipLocked }: { skipLocked: boolean }
): Promise<PageMembershipRow[]> {
  if (!customerIds.length) return []
  await setLockTimeout(trx)
  return await selectMembershipPage(trx, customerIds, `FOR UPDATE OF m${skipLocked ? " SKIP LOCKED" : ""}`)
}

/**
 * The memberships of many customers with their overrides, in customer
 * order, without a lock: for a filter whose every hit is decided again
 * under the customer's lock.
 */
export async function membershipPage(knex: Knex, customerIds: string[]): Promise<PageMembershipRow[]> {
  if (!customerIds.length) return []
  return await selectMembershipPage(knex, customerIds, "")
}

async function selectMembershipPage(knex: Knex, customerIds: string[], lock: string): Promise<PageMembershipRow[]> {
  const { rows } = await knex.raw(
    `SELECT m.id, m.customer_id, m.tier_id, m.earned_tier_id, m.qualified_at, m.qualified_until, m.override_id,
            CASE WHEN o.id IS NULL THEN NULL ELSE json_build_object(
              'id', o.id, 'tier_id', o.tier_id, 'ended_at', o.ended_at, 'ends_at', o.ends_at, 'deleted_at', o.deleted_at) END AS override
       FROM loyalty_tier_membership m
       LEFT JOIN loyalty_tier_override o ON o.id = m.override_id
      WHERE m.customer_id = ANY(?::text[]) AND m.deleted_at IS NULL
      ORDER BY m.customer_id
        ${lock}`,
    [customerIds]
  )
  return rows.map((row: PageMembershipRow) => ({
    ...row,
    override: row.override
      ? {
          ...row.override,
          ended_at: row.override.ended_at ? new Date(row.override.ended_at) : null,
          ends_at: row.override.ends_at ? new Date(row.override.ends_at) : null,
          deleted_at: row.override.deleted_at ? new Date(row.override.deleted_at) : null,
        }
      : null,
  }))
}

/**
 * Open a membership row for each customer who has none (what the first
 * decision about a customer does under `lockMembership`), in customer order
 * as every writer of several rows.
 */
export async function createMemberships(trx: Knex.Transaction, customerIds: string[]): Promise<void> {
  const ids = [...new Set(customerIds)].sort()
  if (!ids.length) return
  await setLockTimeout(trx)
  await trx.raw(
    `INSERT INTO loyalty_tier_membership (id, customer_id)
     SELECT v.id, v.customer_id FROM jsonb_to_recordset(?::jsonb) AS v(id text, customer_id text)
     ORDER BY v.customer_id
     ON CONFLICT (customer_id) WHERE deleted_at IS NULL DO NOTHING`,
    [JSON.stringify(ids.map((customer_id) => ({ id: generateEntityId(undefined, "ltmem"), customer_id })))]
  )
}

/**
 * Give every earned tier without a period end (what a lifetime window
 * leaves) the period end `until`, the rows locked in customer order as
 * every writer of several rows locks them. Returns how many.
 */
export async function startOpenPeriods(trx: Knex.Transaction, until: Date): Promise<number> {
  await setLockTimeout(trx)
  const result = await trx.raw(
    `UPDATE loyalty_tier_membership SET qualified_until = ?, updated_at = now()
     WHERE id IN (
       SELECT id FROM loyalty_tier_membership
       WHERE earned_tier_id IS NOT NULL AND qualified_until IS NULL AND deleted_at IS NULL
       ORDER BY customer_id FOR UPDATE
     )`,
    [until]
  )
  return result.rowCount ?? 0
}

/** Undo `startOpenPeriods` (a compensation): the periods it started, and not moved since, are open again. */
export async function reopenPeriods(trx: Knex.Transaction, until: Date): Promise<void> {
  await setLockTimeout(trx)
  await trx.raw(
    `UPDATE loyalty_tier_membership SET qualified_until = NULL, updated_at = now()
     WHERE id IN (
       SELECT id FROM loyalty_tier_membership
       WHERE earned_tier_id IS NOT NULL AND qualified_until = ? AND deleted_at IS NULL
       ORDER BY customer_id FOR UPDATE
     )`,
    [until]
  )
}

/** Write many locked memberships' states in one statement. */
export async function updateMembershipStates(trx: Knex.Transaction, states: (MembershipState & { id: string })[]): Promise<void> {
  if (!states.length) return
  await trx.raw(
    `UPDATE loyalty_tier_membership m
        SET tier_id = v.tier_id, earned_tier_id = v.earned_tier_id, qualified_at = v.qualified_at,
            qualified_until = v.qualified_until, override_id = v.override_id, updated_at = CURRENT_TIMESTAMP
       FROM jsonb_to_recordset(?::jsonb)
         AS v(id text, tier_id text, earned_tier_id text, qualified_at timestamptz, qualified_until timestamptz, override_id text)
      WHERE m.id = v.id`,
    [JSON.stringify(states)]
  )
}

/** Many history lines in one statement, each stamped with its own statement clock (as `insertHistory`). */
export async function insertHistories(trx: Knex.Transaction, rows: HistoryRow[]): Promise<void> {
  if (!rows.length) return
  await trx.raw(
    `INSERT INTO loyalty_tier_history
       (id, customer_id, from_tier_id, from_tier_name, to_tier_id, to_tier_name, reason, note, actor_type, actor_id,
        qualified_until, details, idempotency_key, created_at, updated_at)
     SELECT v.id, v.customer_id, v.from_tier_id, v.from_tier_name, v.to_tier_id, v.to_tier_name, v.reason, v.note, v.actor_type,
            v.actor_id, v.qualified_until, v.details, v.idempotency_key, clock_timestamp(), clock_timestamp()
       FROM jsonb_to_recordset(?::jsonb)
         AS v(id text, customer_id text, from_tier_id text, from_tier_name text, to_tier_id text, to_tier_name text, reason text,
              note text, actor_type text, actor_id text, qualified_until timestamptz, details jsonb, idempotency_key text)`,
    [JSON.stringify(rows)]
  )
}

/**
 * The activity sums per currency of many customers, each in a window of its
 * own (`start` per customer, null = since ever; all end at `end`), with the
 * oldest activity's time: `activitySums` for a page, in one statement.
 */
export async function activitySumsOf(
  knex: Knex,
  windows: { customer_id: string; start: Date | null }[],
  end: Date,
  excludeStart: boolean
): Promise<(MetricsSums & { customer_id: string; oldest_at: Date | string | null })[]> {
  if (!windows.length) return []
  const { rows } = await knex.raw(
    `SELECT w.customer_id, a.currency_code, coalesce(sum(a.points), 0)::bigint AS points, coalesce(sum(a.orders), 0)::bigint AS orders,
            coalesce(sum(a.amount), 0) AS amount, min(a.occurred_at) AS oldest_at
       FROM jsonb_to_recordset(?::jsonb) AS w(customer_id text, start timestamptz)
       JOIN loyalty_tier_activity a ON a.customer_id = w.customer_id
      WHERE a.deleted_at IS NULL AND a.occurred_at <= ?
        AND (w.start IS NULL OR a.occurred_at ${excludeStart ? ">" : ">="} w.start)
      GROUP BY w.customer_id, a.currency_code`,
    [JSON.stringify(windows), end]
  )
  return rows
}

// ---------------------------------------------------------------- activity

/** Write a customer's activity unless its key is recorded already; true when this call wrote it. */
export async function insertActivityOnce(trx: Knex.Transaction, id: string, input: ActivityInput): Promise<boolean> {
  return (await insertActivities(trx, [{ id, ...input }])).length > 0
}

/** Write many activities, each unless its key is recorded already; the ids this call wrote. */
export async function insertActivities(trx: Knex.Transaction, rows: (ActivityInput & { id: string })[]): Promise<string[]> {
  if (!rows.length) return []
  const { rows: inserted } = await trx.raw(
    `INSERT INTO loyalty_tier_activity
       (id, customer_id, order_id, currency_code, points, amount, raw_amount, orders, occurred_at, source_id, idempotency_key)
     SELECT v.id, v.customer_id, v.order_id, v.currency_code, v.points, v.amount, v.raw_amount, v.orders, v.occurred_at,
            v.source_id, v.idempotency_key
       FROM jsonb_to_recordset(?::jsonb) AS v(id text, customer_id text, order_id text, currency_code text,
              points integer, amount numeric, raw_amount jsonb, orders integer, occurred_at timestamptz, source_id text,
              idempotency_key text)
      ORDER BY v.idempotency_key
     ON CONFLICT (idempotency_key) WHERE deleted_at IS NULL DO NOTHING
     RETURNING id`,
    [
      JSON.stringify(
        rows.map((row) => ({
          id: row.id,
          customer_id: row.customer_id,
          order_id: row.order_id,
          currency_code: row.currency_code?.toLowerCase() ?? null,
          points: row.points,
          amount: String(row.amount),
          raw_amount: { value: String(row.amount), precision: 20 },
          orders: row.orders,
          occurred_at: new Date(row.occurred_at).toISOString(),
          source_id: row.source_id,
          idempotency_key: row.idempotency_key,
        }))
      ),
    ]
  )
  return inserted.map((row: { id: string }) => row.id)
}

/** A customer's activity sums per currency in the window, with the oldest activity's time. */
export async function activitySums(
  knex: Knex,
  customerId: string,
  window: { start: Date | null; end: Date; excludeStart: boolean }
): Promise<(MetricsSums & { oldest_at: Date | string | null })[]> {
  const query = knex("loyalty_tier_activity")
    .select("currency_code")
    .select(
      knex.raw("coalesce(sum(points), 0)::bigint as points"),
      knex.raw("coalesce(sum(orders), 0)::bigint as orders"),
      knex.raw("coalesce(sum(amount), 0) as amount"),
      knex.raw("min(occurred_at) as oldest_at")
    )
    .where({ customer_id: customerId })
    .whereNull("deleted_at")
    .where("occurred_at", "<=", window.end)
    .groupBy("currency_code")
  if (window.start) query.where("occurred_at", window.excludeStart ? ">" : ">=", window.start)
  return await query
}

/**
 * The activity sums per currency of one page of customers (by id, after
 * `after`) with activity in the window: one statement per page.
 */
export async function activitySumsPage(
  knex: Knex,
  window: { start: Date | null; end: Date; excludeStart: boolean },
  after: string | null,
  limit: number
): Promise<(MetricsSums & { customer_id: string })[]> {
  const { start, end } = window
  const from = window.excludeStart ? ">" : ">="
  const { rows } = await knex.raw(
    `WITH page AS (
       SELECT DISTINCT customer_id FROM loyalty_tier_activity
        WHERE deleted_at IS NULL AND occurred_at <= :end
          ${start ? `AND occurred_at ${from} :start` : ""} ${after ? "AND customer_id > :after" : ""}
        ORDER BY customer_id LIMIT :limit)
     SELECT a.customer_id, a.currency_code, sum(a.points)::bigint AS points, sum(a.orders)::bigint AS orders,
            sum(a.amount) AS amount
       FROM loyalty_tier_activity a JOIN page p ON p.customer_id = a.customer_id
      WHERE a.deleted_at IS NULL AND a.occurred_at <= :end ${start ? `AND a.occurred_at ${from} :start` : ""}
      GROUP BY a.customer_id, a.currency_code
      ORDER BY a.customer_id`,
    { end, limit, ...(start ? { start } : {}), ...(after ? { after } : {}) }
  )
  return rows
}

// ---------------------------------------------------------------- set-based reads

/**
 * The tier in effect for a customer at `now` in one statement (membership,
 * its override, the tier): an active override's tier (none: no tier), else
 * the earned one. Every member's award reads it.
 */
export async function tierInEffect(knex: Knex, customerId: string, now: Date): Promise<LoyaltyTier | undefined> {
  return await knex<LoyaltyTier>({ m: "loyalty_tier_membership" })
    .leftJoin({ o: "loyalty_tier_override" }, (on) =>
      on
        .on("o.id", "m.override_id")
        .onNull("o.deleted_at")
        .onNull("o.ended_at")
        .andOn((active) => active.onNull("o.ends_at").orOn("o.ends_at", ">", knex.raw("?", [now])))
    )
    .join({ t: "loyalty_tier" }, "t.id", knex.raw('CASE WHEN "o"."id" IS NULL THEN "m"."earned_tier_id" ELSE "o"."tier_id" END'))
    .select(TIER_FIELDS.map((field) => `t.${field}`))
    .where("m.customer_id", customerId)
    .whereNull("m.deleted_at")
    .whereNull("t.deleted_at")
    .first()
}

/**
 * `tierInEffect` for many (customer, instant) pairs in one statement, in the
 * order given: the same joins (membership, its override active at that
 * instant, the tier), one row per pair (null: no tier then).
 */
export async function tiersInEffectAt(knex: Knex, pairs: { customer_id: string; at: Date }[]): Promise<(LoyaltyTier | null)[]> {
  const { rows }: { rows: (LoyaltyTier & { found: boolean })[] } = await knex.raw(
    `SELECT t.id IS NOT NULL AS found, ${TIER_FIELDS.map((field) => `t.${field}`).join(", ")}
       FROM ROWS FROM (jsonb_to_recordset(?::jsonb) AS (customer_id text, at timestamptz)) WITH ORDINALITY AS p(customer_id, at, n)
       LEFT JOIN loyalty_tier_membership m ON m.customer_id = p.customer_id AND m.deleted_at IS NULL
       LEFT JOIN loyalty_tier_override o ON o.id = m.override_id AND o.deleted_at IS NULL AND o.ended_at IS NULL
                                        AND (o.ends_at IS NULL OR o.ends_at > p.at)
       LEFT JOIN loyalty_tier t ON t.id = CASE WHEN o.id IS NULL THEN m.earned_tier_id ELSE o.tier_id END AND t.deleted_at IS NULL
      ORDER BY p.n`,
    [JSON.stringify(pairs.map((pair) => ({ customer_id: pair.customer_id, at: new Date(pair.at).toISOString() })))]
  )
  return rows.map(({ found, ...tier }) => (found ? tier : null))
}

/** Members in effect per tier id at `now` (an override past its end counts as ended). */
export async function memberCountsAt(knex: Knex, now: Date): Promise<Map<string, number>> {
  const { rows }: { rows: { tier_id: string; count: string }[] } = await knex.raw(
    `SELECT x.tier_id, count(*) AS count FROM (
       SELECT CASE WHEN m.override_id IS NOT NULL
                    AND (o.id IS NULL OR o.ended_at IS NOT NULL OR (o.ends_at IS NOT NULL AND o.ends_at <= ?))
                   THEN m.earned_tier_id ELSE m.tier_id END AS tier_id
         FROM loyalty_tier_membership m
         LEFT JOIN loyalty_tier_override o ON o.id = m.override_id AND o.deleted_at IS NULL
        WHERE m.deleted_at IS NULL
     ) x WHERE x.tier_id IS NOT NULL GROUP BY x.tier_id`,
    [now]
  )
  return new Map(rows.map((row) => [row.tier_id, Number(row.count)]))
}

/** Memberships whose period ended on or before `endedBy`: the review's keyset due read (period end, customer). */
export const dueReviews = (endedBy: Date) => (knex: Knex) =>
  knex("loyalty_tier_membership").where("qualified_until", "<=", endedBy).whereNull("deleted_at")

/** A page of the customers whose override's end date has passed, in keyset order (end date, override). */
export async function dueOverrides(knex: Knex, now: Date, after: DueCursor | null, limit: number): Promise<DuePage<string>> {
  const rows: { customer_id: string; cursor_at: string; cursor_id: string }[] = await keysetAfter(
    knex,
    knex("loyalty_tier_override").select("customer_id").whereNull("ended_at").where("ends_at", "<=", now).whereNull("deleted_at"),
    { at: "ends_at", id: "id" },
    after,
    limit
  )
  return duePage(rows, limit, (page) => page.map((row) => row.customer_id))
}

/**
 * A page (by customer, after `after`) of members without an override whose
 * earned tier's period ends in (`from`, `to`] and whose coming drop was not
 * announced for that period, locked; rows another transaction holds are
 * skipped (that customer is being evaluated).
 */
export async function lockDropReminderCandidates(
  trx: Knex.Transaction,
  input: { from: Date; to: Date; after: string | null; limit: number }
): Promise<(MembershipRow & { drop_reminded_for: Date | null })[]> {
  return await trx("loyalty_tier_membership")
    .select("id", "customer_id", "earned_tier_id", "qualified_at", "qualified_until", "drop_reminded_for")
    .whereNull("deleted_at")
    .whereNotNull("earned_tier_id")
    .whereNull("override_id")
    .where("qualified_until", ">", input.from)
    .where("qualified_until", "<=", input.to)
    .where((q) => q.whereNull("drop_reminded_for").orWhereRaw("drop_reminded_for <> qualified_until"))
    .modify((q) => (input.after ? q.where("customer_id", ">", input.after) : q))
    .orderBy("customer_id")
    .limit(input.limit)
    .forUpdate()
    .skipLocked()
}

/** Mark these memberships' coming drop announced for their current period. */
export async function markDropReminded(trx: Knex.Transaction, ids: string[]): Promise<void> {
  await trx("loyalty_tier_membership")
    .whereIn("id", ids)
    .update({ drop_reminded_for: trx.ref("qualified_until"), updated_at: trx.fn.now() })
}
