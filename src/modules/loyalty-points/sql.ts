import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { generateEntityId, MedusaError } from "@medusajs/framework/utils"
import type { EndedReturnWindow } from "../../lib/care/rules"
import { DueCursor, DuePage, duePage, keysetAfter, lockOrCreate, setLockTimeout } from "../../lib/db"
import { AccountChange, LotTake, ORDER_FIGURES, OrderFigures } from "../../lib/points/ledger"
import { addMonths } from "../../lib/shared/dates"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"
import { ReferenceTypes } from "../../lib/shared/vocabulary"
import {
  CouponRecord,
  CouponReservation,
  ExpiringLot,
  LedgerEntry,
  LoyaltyAccount,
  MemberImportDelta,
  OrderFactInput,
  OrderPointsSummary,
} from "./types"

/**
 * The points module's SQL, in one place: only what Postgres is the point of.
 * The posting path (the account's row lock, the idempotency key checked
 * under it, the entry, the lots and the cached figures moved in the same
 * transaction), the conditional updates that serialize checkouts, jobs and
 * imports on a row (coupon claims, closes, reminder claims, an import run's
 * start and progress), the set-based writes (the expiry's page of lots, the release's page of orders,
 * order facts from a JSON array, the erasure of a member's data) and the grouped or keyset reads of the
 * jobs, exports and reports (order figures, due releases and expiries, the
 * ledger's pages, the liability facts). Everything else goes through
 * `MedusaService`'s generated methods.
 */

type Db = Knex | Knex.Transaction

/** The columns `post_` writes on a new entry (the clock stamps are the statement's). */
export type NewEntry = Pick<
  LedgerEntry,
  | "id"
  | "type"
  | "points"
  | "balance_change"
  | "pending_change"
  | "debt_change"
  | "reason"
  | "actor_type"
  | "actor_id"
  | "reference_type"
  | "reference_id"
  | "order_id"
  | "idempotency_key"
  | "program_version"
  | "currency_code"
  | "release_at"
  | "details"
> & { account_id: string }

/** An entry with the customer of the account it is on. */
export type HeldEntry = LedgerEntry & { customer_id: string }

// ---------------------------------------------------------------- the account lock

/** Whether the customer's account was closed (the customer was deleted) and no open one exists. */
export async function accountClosed(knex: Db, customerId: string): Promise<boolean> {
  const rows: { deleted_at: Date | null }[] = await knex("loyalty_account").select("deleted_at").where({ customer_id: customerId })
  return rows.length > 0 && rows.every((row) => row.deleted_at !== null)
}

/** Which of these customers had their account closed (and have no open one): `accountClosed` for a page, one statement. */
export async function closedCustomers(knex: Db, customerIds: string[]): Promise<Set<string>> {
  const { rows }: { rows: { customer_id: string }[] } = await knex.raw(
    `SELECT customer_id FROM loyalty_account WHERE customer_id = ANY(?)
      GROUP BY customer_id HAVING bool_and(deleted_at IS NOT NULL)`,
    [[...new Set(customerIds)]]
  )
  return new Set(rows.map((row) => row.customer_id))
}

/**
 * Lock (creating if needed) the customer's account row for the rest of the
 * transaction. Every write to an account passes here first, so writes to one
 * account are serialized across server and worker processes. A closed
 * account is never opened again by a write.
 */
export async function lockAccount(trx: Knex.Transaction, customerId: string): Promise<LoyaltyAccount> {
  return await lockOrCreate<LoyaltyAccount>(trx, "loyalty_account", { customer_id: customerId }, async () => {
    if (await accountClosed(trx, customerId)) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Customer ${customerId} was deleted: their points account is closed`)
    }
    await trx.raw(
      `INSERT INTO loyalty_account (id, customer_id, balance, pending, debt, lifetime_earned, lifetime_redeemed)
       VALUES (?, ?, 0, 0, 0, 0, 0)
       ON CONFLICT (customer_id) WHERE deleted_at IS NULL DO NOTHING`,
      [generateEntityId(undefined, "lacc"), customerId]
    )
  })
}

/** The customer's open account, unlocked (null when there is none). */
export async function openAccount(knex: Db, customerId: string): Promise<LoyaltyAccount | undefined> {
  return await knex<LoyaltyAccount>("loyalty_account").where({ customer_id: customerId }).whereNull("deleted_at").first()
}

/** Write fields of a locked account; returns the account as written. */
export async function updateAccount(
  trx: Knex.Transaction,
  id: string,
  patch: Partial<LoyaltyAccount>
): Promise<LoyaltyAccount> {
  const [updated] = await trx<LoyaltyAccount>("loyalty_account")
    .where({ id })
    .update({ ...patch, updated_at: trx.fn.now() })
    .returning("*")
  return updated
}

/** Soft-delete a locked account (`closeAccount`). */
export async function closeAccountRow(trx: Knex.Transaction, id: string): Promise<void> {
  await trx("loyalty_account").where({ id }).update({ deleted_at: trx.fn.now(), updated_at: trx.fn.now() })
}

/** Open the customer's most recently closed account again, unless an open one exists (`reopenAccount`). */
export async function reopenAccountRow(trx: Knex.Transaction, customerId: string): Promise<void> {
  if (await openAccount(trx, customerId)) return
  const closed = await trx("loyalty_account")
    .where({ customer_id: customerId })
    .whereNotNull("deleted_at")
    .orderBy("deleted_at", "desc")
    .first()
  if (closed) await trx("loyalty_account").where({ id: closed.id }).update({ deleted_at: null })
}

// ---------------------------------------------------------------- entries

/** The effective entry written under an idempotency key, if any. */
export async function entryByKey(knex: Db, key: string): Promise<LedgerEntry | null> {
  return (await knex<LedgerEntry>("loyalty_entry").where({ idempotency_key: key }).whereNull("voided_at").first()) ?? null
}

/** An entry with its account's customer: by id (any), or by key (the effective one). */
export async function heldEntry(knex: Db, by: { id: string } | { idempotency_key: string }): Promise<HeldEntry | undefined> {
  return await knex("loyalty_entry as e")
    .join("loyalty_account as a", "a.id", "e.account_id")
    .select<HeldEntry>("e.*", "a.customer_id")
    .modify((q) => ("id" in by ? q.where("e.id", by.id) : q.where("e.idempotency_key", by.idempotency_key).whereNull("e.voided_at")))
    .first()
}

/**
 * Write one entry, stamped with the statement's clock (not the
 * transaction's): the entries of one transaction keep their order.
 */
export async function insertEntry(
  trx: Knex.Transaction,
  values: NewEntry
): Promise<LedgerEntry> {
  const [entry] = await trx<LedgerEntry>("loyalty_entry")
    .insert({ ...values, created_at: trx.raw("clock_timestamp()"), updated_at: trx.raw("clock_timestamp()") })
    .returning("*")
  return entry
}

/** Move a locked account's cached figures by an entry's change; returns the account as written. */
export async function moveAccount(trx: Knex.Transaction, accountId: string, change: AccountChange): Promise<LoyaltyAccount> {
  const [updated] = await trx<LoyaltyAccount>("loyalty_account")
    .where({ id: accountId })
    .update({
      balance: trx.raw("balance + ?", [change.movement.balance_change]),
      pending: trx.raw("pending + ?", [change.movement.pending_change]),
      debt: trx.raw("debt + ?", [change.movement.debt_change]),
      lifetime_earned: trx.raw("lifetime_earned + ?", [change.lifetime_earned]),
      lifetime_redeemed: trx.raw("lifetime_redeemed + ?", [change.lifetime_redeemed]),
      updated_at: trx.fn.now(),
    })
    .returning("*")
  return updated
}

/**
 * The points of the entries that took part or all of an entry back and
 * stand (not voided): its take-backs (`details.taken_back_entry`, written
 * by `takeBackCredit`) and an undo of what they left of it
 * (`details.reverted_entry`). Both are on the entry's own account, so the
 * read keeps to that account's entries. 0 or less for a credit; the caller
 * holds the account's lock, which every such entry is written under.
 */
export async function takenBackPoints(trx: Knex.Transaction, accountId: string, entryId: string): Promise<number> {
  const { rows }: { rows: { points: number }[] } = await trx.raw(
    `SELECT coalesce(sum(points), 0)::int AS points FROM loyalty_entry
      WHERE account_id = ? AND voided_at IS NULL
        AND (details->>'taken_back_entry' = ? OR details->>'reverted_entry' = ?)`,
    [accountId, entryId, entryId]
  )
  return rows[0].points
}

/** Mark an entry voided (its counter-entry is written), once. */
export async function voidEntry(trx: Knex.Transaction, entryId: string): Promise<void> {
  await trx("loyalty_entry").where({ id: entryId }).whereNull("voided_at").update({ voided_at: trx.fn.now() })
}

/** How many positive, effective credits with this reference an account has had since `since` (null = ever). */
export async function countCredits(
  trx: Knex.Transaction,
  accountId: string,
  reference: { reference_type: string | null; reference_id: string | null },
  since: Date | null
): Promise<number> {
  const [{ count }] = await trx("loyalty_entry")
    .count<{ count: string }[]>("id as count")
    .where({ account_id: accountId, ...reference })
    .where("points", ">", 0)
    .whereNull("voided_at")
    .modify((q) => (since ? q.where("created_at", ">=", since) : q))
  return Number(count)
}

/** How many entries an order has (every one, voided too): what a correction's key counts. */
export async function countOrderEntries(trx: Knex.Transaction, orderId: string): Promise<number> {
  const [{ count }] = await trx("loyalty_entry").where({ order_id: orderId }).count({ count: "*" })
  return Number(count)
}

/**
 * The lots an order's effective redemptions took (`details.lots`), in the
 * order they took them: where points given back on the order return to.
 */
export async function orderRedemptionLots(knex: Db, orderId: string): Promise<LotTake[]> {
  const rows: { details: { lots?: LotTake[] } | null }[] = await knex("loyalty_entry")
    .select("details")
    .where({ order_id: orderId, type: "redeem" })
    .whereNull("voided_at")
    .orderBy([{ column: "created_at" }, { column: "id" }])
  return rows.flatMap((row) => (Array.isArray(row.details?.lots) ? row.details.lots : []))
}

/**
 * Fill in the order on the effective entries a cart's completion wrote
 * before the order existed; only an empty reference is filled. Returns how
 * many entries changed.
 */
export async function attachCartEntries(trx: Knex.Transaction, cartId: string, orderId: string): Promise<number> {
  return await trx("loyalty_entry")
    .where({ reference_type: ReferenceTypes.CART, reference_id: cartId })
    .whereNull("order_id")
    .whereNull("voided_at")
    .update({ order_id: orderId })
}

/** The orders on an account that still hold pending points, with how many, by order id. */
export async function pendingOrders(trx: Knex.Transaction, accountId: string): Promise<{ order_id: string; pending: number }[]> {
  const { rows } = await trx.raw(
    `SELECT order_id, sum(pending_change)::int AS pending FROM loyalty_entry
      WHERE account_id = ? AND order_id IS NOT NULL GROUP BY order_id HAVING sum(pending_change) > 0
      ORDER BY order_id`,
    [accountId]
  )
  return rows
}

/**
 * The customer whose account holds an order's points: the one who earned
 * them (else whoever spent points on it), whoever owns the order now.
 */
export async function orderHolder(knex: Db, orderId: string): Promise<string | null> {
  const row: { customer_id: string } | undefined = await knex("loyalty_entry as e")
    .join("loyalty_account as a", "a.id", "e.account_id")
    .select("a.customer_id")
    .where("e.order_id", orderId)
    .orderByRaw("(e.type = 'pending') desc, e.created_at asc, e.id asc")
    .first()
  return row?.customer_id ?? null
}

/**
 * An entry that counts in an order's figures (columns prefixed with `alias`):
 * not undone by a compensation (voided), not the counter-entry that undid one
 * (reference `entry`), and not feedback points, which ride on the order but
 * are not what it earned.
 */
const effectiveOrderEntry = (alias: string) =>
  `${alias}voided_at is null and ${alias}reference_type is distinct from 'entry' and ${alias}reference_type is distinct from 'feedback'`

/**
 * Orders' figures from their effective entries: an entry undone by a
 * compensation (voided), the counter-entry that undid it (reference
 * `entry`) and feedback points (reference `feedback`) count in none of
 * them. Pending is the real pending, every entry included. Orders without
 * entries are not in the map.
 */
export async function orderTotals(knex: Db, orderIds: string[]): Promise<Map<string, OrderPointsSummary>> {
  const effective = effectiveOrderEntry("")
  const rows: ({ order_id: string } & Record<keyof OrderFigures, string | number>)[] = await knex("loyalty_entry")
    .select("order_id")
    .select(
      // Pending points written for the order, and points it earned after its release (edits, exchanges).
      knex.raw(
        `coalesce(sum(points) filter (where (type = 'pending' or (type = 'earn' and reference_type = 'order')) and ${effective}), 0) as earned`
      ),
      knex.raw(`coalesce(sum(points) filter (where type = 'release' and ${effective}), 0) as released`),
      knex.raw(`coalesce(-sum(points) filter (where type = 'reverse' and ${effective}), 0) as reversed`),
      knex.raw("coalesce(sum(pending_change), 0) as pending"),
      knex.raw(`coalesce(-sum(points) filter (where type = 'redeem' and ${effective}), 0) as redeemed`),
      knex.raw(`coalesce(sum(points) filter (where type = 'restore' and ${effective}), 0) as restored`)
    )
    .whereIn("order_id", orderIds)
    .groupBy("order_id")
  const expiries = await orderExpiries(knex, orderIds)
  return new Map(
    rows.map((row) => [
      String(row.order_id),
      {
        order_id: String(row.order_id),
        ...numbers({ ...row, expired: 0, expired_at_standing: 0, ...expiries.get(String(row.order_id)) }, ORDER_FIGURES),
      },
    ])
  )
}

/**
 * What the orders' own lots lost to expiry: the lots whose origin is an
 * order's release or its earnings after release (their entries carry the
 * order): the lots those entries created, and the lots that gave their points
 * back after they were spent (a canceled checkout's restore, an unused
 * coupon's refund: `insertLots` keeps the origin), with the `expire` entries
 * the expiry job wrote for them (one per lot, keyed by the lot); with what the
 * order stood at (earned − reversed, from its effective entries) when the last
 * of them expired. Orders whose lots never expired are not in the map.
 */
async function orderExpiries(
  knex: Db,
  orderIds: string[]
): Promise<Map<string, { expired: number; expired_at_standing: number }>> {
  const { rows } = await knex.raw(
    `WITH expired AS (
       SELECT c.order_id, -sum(x.points) AS expired, max(x.created_at) AS last_at
         FROM loyalty_entry c
         JOIN loyalty_lot l ON l.account_id = c.account_id AND coalesce(l.origin_entry_id, l.entry_id) = c.id AND l.deleted_at IS NULL
         JOIN loyalty_entry x ON x.idempotency_key = ? || l.id AND x.voided_at IS NULL
        WHERE c.order_id = ANY(?) AND c.voided_at IS NULL AND c.reference_type = ?
          AND c.type IN ('release', 'earn') AND x.type = 'expire' AND x.reference_type = ?
        GROUP BY c.order_id)
     SELECT d.order_id, d.expired,
            coalesce(sum(e.points) FILTER (WHERE e.type = 'pending' OR (e.type = 'earn' AND e.reference_type = ?)), 0)
              + coalesce(sum(e.points) FILTER (WHERE e.type = 'reverse'), 0) AS expired_at_standing
       FROM expired d
       JOIN loyalty_entry e ON e.order_id = d.order_id AND e.created_at <= d.last_at AND ${effectiveOrderEntry("e.")}
      GROUP BY d.order_id, d.expired`,
    [IdempotencyKeys.lotExpiry(""), orderIds, ReferenceTypes.ORDER, ReferenceTypes.LOT, ReferenceTypes.ORDER]
  )
  return new Map(
    (rows as { order_id: string; expired: string; expired_at_standing: string }[]).map((row) => [
      row.order_id,
      { expired: Number(row.expired), expired_at_standing: Number(row.expired_at_standing) },
    ])
  )
}

// ---------------------------------------------------------------- lots

/** Write a lot of `points` that expires at `expiresAt`, from one entry. */
export async function insertLot(
  trx: Knex.Transaction,
  lot: { account_id: string; entry_id: string; points: number; expires_at: Date | null }
): Promise<void> {
  await trx("loyalty_lot").insert({ id: generateEntityId(undefined, "llot"), ...lot, remaining: lot.points })
}

/** A locked account's lots that still hold points. */
export async function openLots(
  trx: Knex.Transaction,
  accountId: string
): Promise<{ id: string; remaining: number; expires_at: Date | null }[]> {
  return await trx("loyalty_lot")
    .select("id", "remaining", "expires_at")
    .where({ account_id: accountId })
    .where("remaining", ">", 0)
    .whereNull("deleted_at")
}

/**
 * The open lots of a locked account that an order's points were credited to:
 * those its release or its earnings after release created, and those that
 * gave them back after they were spent (a lot's origin, `insertLots`): what
 * a reversal of the order takes first (`reverse_`).
 */
export async function orderOwnLots(trx: Knex.Transaction, accountId: string, orderId: string): Promise<string[]> {
  const rows: { id: string }[] = await trx("loyalty_lot as l")
    .join("loyalty_entry as c", "c.id", trx.raw("coalesce(l.origin_entry_id, l.entry_id)"))
    .select("l.id")
    .where({ "l.account_id": accountId, "c.order_id": orderId, "c.reference_type": ReferenceTypes.ORDER })
    .whereIn("c.type", ["release", "earn"])
    .whereNull("c.voided_at")
    .whereNull("l.deleted_at")
    .where("l.remaining", ">", 0)
  return rows.map((row) => row.id)
}

/** Take `points` from one lot of a locked account. */
export async function takeFromLot(trx: Knex.Transaction, lotId: string, points: number): Promise<void> {
  await trx("loyalty_lot")
    .where({ id: lotId })
    .update({ remaining: trx.raw("remaining - ?", [points]), updated_at: trx.fn.now() })
}

/** The customer of each of these entries' accounts (entries that do not exist are left out). */
export async function entryHolders(knex: Db, entryIds: string[]): Promise<{ id: string; customer_id: string }[]> {
  return await knex("loyalty_entry as e")
    .join("loyalty_account as a", "a.id", "e.account_id")
    .select<{ id: string; customer_id: string }[]>("e.id", "a.customer_id")
    .whereIn("e.id", entryIds)
}

/**
 * The import credits on these customers' accounts that stand (not voided),
 * one row per customer, import run and whether the entry's key starts with
 * `keyPrefix` (the current import's rows): their points and when the run
 * wrote its first of them. The prefix is compared as text, not with LIKE
 * (an import key may hold `_`).
 */
export async function importCredits(
  knex: Db,
  customerIds: string[],
  keyPrefix: string
): Promise<{ customer_id: string; import_id: string | null; same_key: boolean; points: string; imported_at: Date }[]> {
  if (!customerIds.length) return []
  return await knex("loyalty_entry as e")
    .join("loyalty_account as a", "a.id", "e.account_id")
    .select("a.customer_id", knex.raw("e.reference_id as import_id"))
    .select(knex.raw("left(e.idempotency_key, ?) = ? as same_key", [keyPrefix.length, keyPrefix]))
    .select(knex.raw("sum(e.points)::text as points"), knex.raw("min(e.created_at) as imported_at"))
    .whereIn("a.customer_id", customerIds)
    .where("e.reference_type", ReferenceTypes.IMPORT)
    .whereNull("e.voided_at")
    .whereNull("e.deleted_at")
    .groupBy("a.customer_id", "e.reference_id", "same_key")
}

/** The customer whose account a lot is on, if the lot exists. */
export async function lotHolder(knex: Db, lotId: string): Promise<string | undefined> {
  const row: { customer_id: string } | undefined = await knex("loyalty_lot as l")
    .join("loyalty_account as a", "a.id", "l.account_id")
    .select("a.customer_id")
    .where("l.id", lotId)
    .first()
  return row?.customer_id
}

/** Lock one lot (its account is locked first), and read it. */
export async function lockLot(
  trx: Knex.Transaction,
  lotId: string
): Promise<{ id: string; points: number; remaining: number; expires_at: Date | null } | undefined> {
  return await trx("loyalty_lot").where({ id: lotId }).forUpdate().first()
}

/** Empty a locked lot. */
export async function emptyLot(trx: Knex.Transaction, lotId: string): Promise<void> {
  await trx("loyalty_lot").where({ id: lotId }).update({ remaining: 0, updated_at: trx.fn.now() })
}

// ---------------------------------------------------------------- the expiry page, set-based

/** A due lot of an expiry page, read under its account's lock. */
export type DueLot = { id: string; account_id: string; points: number; remaining: number; expires_at: Date }

/**
 * Lock the open accounts that hold these lots, in customer order (the order
 * every write that locks several accounts takes them in, so none waits on
 * another in a circle), with the posting path's `lock_timeout`: a checkout's
 * debit or an adjustment on one of them waits for the page, or the page for it.
 */
export async function lockLotAccounts(trx: Knex.Transaction, lotIds: string[]): Promise<LoyaltyAccount[]> {
  await setLockTimeout(trx)
  const { rows } = await trx.raw(
    `SELECT a.* FROM loyalty_account a
      WHERE a.deleted_at IS NULL AND a.id IN (SELECT account_id FROM loyalty_lot WHERE id = ANY(?))
      ORDER BY a.customer_id
        FOR UPDATE`,
    [lotIds]
  )
  return rows
}

/**
 * Of these lots, those of the locked accounts that are still past their
 * date at `now` and hold points, locked, with whatever is left in each.
 */
export async function lockDueLots(trx: Knex.Transaction, input: { lot_ids: string[]; account_ids: string[]; now: Date }): Promise<DueLot[]> {
  const { rows } = await trx.raw(
    `SELECT id, account_id, points, remaining, expires_at FROM loyalty_lot
      WHERE id = ANY(?) AND account_id = ANY(?) AND remaining > 0 AND expires_at <= ? AND deleted_at IS NULL
        FOR UPDATE`,
    [input.lot_ids, input.account_ids, input.now]
  )
  return rows
}

/** Which of these idempotency keys an effective entry already holds. */
export async function usedKeys(knex: Db, keys: string[]): Promise<Set<string>> {
  const rows: { idempotency_key: string }[] = await knex("loyalty_entry")
    .select("idempotency_key")
    .whereIn("idempotency_key", keys)
    .whereNull("voided_at")
  return new Set(rows.map((row) => row.idempotency_key))
}

/**
 * Write entries in one statement, in the order given, each stamped with the
 * statement's clock as `insertEntry` stamps one: the entries of a page keep
 * their order, as if written one by one.
 */
export async function insertEntries(trx: Knex.Transaction, entries: NewEntry[]): Promise<LedgerEntry[]> {
  const { rows } = await trx.raw(
    `INSERT INTO loyalty_entry (id, account_id, type, points, balance_change, pending_change, debt_change, reason, actor_type,
                                actor_id, reference_type, reference_id, order_id, idempotency_key, program_version, currency_code,
                                release_at, details, created_at, updated_at)
     SELECT r.id, r.account_id, r.type, r.points, r.balance_change, r.pending_change, r.debt_change, r.reason, r.actor_type,
            r.actor_id, r.reference_type, r.reference_id, r.order_id, r.idempotency_key, r.program_version, r.currency_code,
            r.release_at, r.details, clock_timestamp(), clock_timestamp()
       FROM ROWS FROM (jsonb_to_recordset(?::jsonb) AS (id text, account_id text, type text, points int, balance_change int,
              pending_change int, debt_change int, reason text, actor_type text, actor_id text, reference_type text, reference_id text,
              order_id text, idempotency_key text, program_version int, currency_code text, release_at timestamptz, details jsonb))
            WITH ORDINALITY AS r(id, account_id, type, points, balance_change, pending_change, debt_change, reason, actor_type, actor_id,
              reference_type, reference_id, order_id, idempotency_key, program_version, currency_code, release_at, details, n)
      ORDER BY r.n
     RETURNING *`,
    [JSON.stringify(entries)]
  )
  return rows
}

/** Empty locked lots. */
export async function emptyLots(trx: Knex.Transaction, lotIds: string[]): Promise<void> {
  await trx("loyalty_lot").whereIn("id", lotIds).update({ remaining: 0, updated_at: trx.fn.now() })
}

/** Move locked accounts' balances, one change per account, in one statement; returns the accounts as written. */
export async function moveBalances(trx: Knex.Transaction, changes: { account_id: string; balance_change: number }[]): Promise<LoyaltyAccount[]> {
  const { rows } = await trx.raw(
    `UPDATE loyalty_account a SET balance = a.balance + m.balance_change, updated_at = now()
       FROM jsonb_to_recordset(?::jsonb) AS m(account_id text, balance_change int)
      WHERE a.id = m.account_id
     RETURNING a.*`,
    [JSON.stringify(changes)]
  )
  return rows
}

// ---------------------------------------------------------------- the release page, set-based

/**
 * The customer whose account holds each of these orders' points (`orderHolder`
 * for a page, one statement): orders without entries are not in the map.
 */
export async function orderHolders(knex: Db, orderIds: string[]): Promise<Map<string, string>> {
  const { rows } = await knex.raw(
    `SELECT DISTINCT ON (e.order_id) e.order_id, a.customer_id
       FROM loyalty_entry e JOIN loyalty_account a ON a.id = e.account_id
      WHERE e.order_id = ANY(?)
      ORDER BY e.order_id, (e.type = 'pending') DESC, e.created_at ASC, e.id ASC`,
    [orderIds]
  )
  return new Map(rows.map((row: { order_id: string; customer_id: string }) => [row.order_id, row.customer_id]))
}

/** The open accounts of these customers, unlocked (a customer without one had theirs closed). */
export async function openAccountsOf(knex: Db, customerIds: string[]): Promise<LoyaltyAccount[]> {
  return await knex<LoyaltyAccount>("loyalty_account").whereIn("customer_id", customerIds).whereNull("deleted_at")
}

/**
 * Lock these customers' open accounts in customer order (as every write that
 * locks several accounts), with the posting path's `lock_timeout`, skipping
 * the rows another transaction holds right now: their customers are being
 * written for (a checkout, an adjustment), and the caller hands their orders
 * to the per-order path, which waits for the lock.
 */
export async function lockAccountsSkipLocked(trx: Knex.Transaction, customerIds: string[]): Promise<LoyaltyAccount[]> {
  await setLockTimeout(trx)
  const { rows } = await trx.raw(
    `SELECT a.* FROM loyalty_account a
      WHERE a.customer_id = ANY(?) AND a.deleted_at IS NULL
      ORDER BY a.customer_id
        FOR UPDATE SKIP LOCKED`,
    [customerIds]
  )
  return rows
}

/** The effective entries written under these keys, by key. */
export async function entriesByKeys(knex: Db, keys: string[]): Promise<Map<string, LedgerEntry>> {
  const rows: LedgerEntry[] = await knex<LedgerEntry>("loyalty_entry").whereIn("idempotency_key", keys).whereNull("voided_at")
  return new Map(rows.map((row) => [row.idempotency_key, row]))
}

/**
 * A lot to write (`insertLot`'s columns; `insertLots` gives it its id);
 * `refills`: the lot whose points it gives back (`LotBack`), whose origin it keeps.
 */
export type NewLot = { account_id: string; entry_id: string; points: number; expires_at: Date | null; refills?: string | null }

/**
 * `count` new lot ids, ascending. Spending breaks a tie of equal expiry by
 * lot id (`allocateFirstExpiring`: older first), and ULIDs made within one
 * millisecond are random among themselves: lots written together get their
 * ids in this order, so they are spent in the order they were credited, as
 * lots written one by one (milliseconds apart) are.
 */
export function newLotIds(count: number): string[] {
  return Array.from({ length: count }, () => generateEntityId(undefined, "llot")).sort()
}

/**
 * Write lots in one statement, each full (`remaining` = `points`) as
 * `insertLot` writes one, in the order given, with ids that sort in that
 * order (`newLotIds`) and stamped with the statement's clock: the lots of a
 * page keep their order, as if written one by one (each in its own
 * transaction), both when spent and when listed. A lot that refills another
 * keeps that lot's origin (`origin_entry_id`, or its entry), so points given
 * back again and again stay the credit they were first.
 */
export async function insertLots(trx: Knex.Transaction, newLots: NewLot[]): Promise<void> {
  if (!newLots.length) return
  const ids = newLotIds(newLots.length)
  const lots = newLots.map((lot, i) => ({ id: ids[i], ...lot }))
  await trx.raw(
    `INSERT INTO loyalty_lot (id, account_id, entry_id, origin_entry_id, points, remaining, expires_at, created_at, updated_at)
     SELECT l.id, l.account_id, l.entry_id,
            (SELECT coalesce(f.origin_entry_id, f.entry_id) FROM loyalty_lot f WHERE f.id = l.refills AND f.account_id = l.account_id),
            l.points, l.points, l.expires_at, clock_timestamp(), clock_timestamp()
       FROM ROWS FROM (jsonb_to_recordset(?::jsonb) AS (id text, account_id text, entry_id text, points int, expires_at timestamptz, refills text))
            WITH ORDINALITY AS l(id, account_id, entry_id, points, expires_at, refills, n)
      ORDER BY l.n`,
    [JSON.stringify(lots)]
  )
}

/**
 * Move locked accounts' cached figures (`moveAccount` for many accounts, one
 * change per account, in one statement); returns the accounts as written.
 */
export async function moveAccounts(trx: Knex.Transaction, changes: (AccountChange & { account_id: string })[]): Promise<LoyaltyAccount[]> {
  if (!changes.length) return []
  const { rows } = await trx.raw(
    `UPDATE loyalty_account a
        SET balance = a.balance + m.balance_change, pending = a.pending + m.pending_change, debt = a.debt + m.debt_change,
            lifetime_earned = a.lifetime_earned + m.lifetime_earned, lifetime_redeemed = a.lifetime_redeemed + m.lifetime_redeemed,
            updated_at = now()
       FROM jsonb_to_recordset(?::jsonb)
         AS m(account_id text, balance_change int, pending_change int, debt_change int, lifetime_earned int, lifetime_redeemed int)
      WHERE a.id = m.account_id
     RETURNING a.*`,
    [JSON.stringify(changes.map(({ account_id, movement, lifetime_earned, lifetime_redeemed }) => ({ account_id, ...movement, lifetime_earned, lifetime_redeemed })))]
  )
  return rows
}

/**
 * Claim up to `limit` open lots that expire after `now` and by `until` and
 * were not announced yet, each marked `reminded_at = now` in one statement
 * (locked rows skipped), so two runs of the reminder never claim the same lot.
 */
export async function claimExpiringLots(
  trx: Knex.Transaction,
  input: { now: Date; until: Date; limit: number }
): Promise<ExpiringLot[]> {
  const { rows } = await trx.raw(
    `UPDATE loyalty_lot l SET reminded_at = ?, updated_at = now()
       FROM loyalty_account a
      WHERE l.account_id = a.id
        AND l.id IN (
          SELECT id FROM loyalty_lot
           WHERE remaining > 0 AND expires_at > ? AND expires_at <= ?
             AND reminded_at IS NULL AND deleted_at IS NULL
           ORDER BY expires_at, id
           LIMIT ?
           FOR UPDATE SKIP LOCKED)
    RETURNING l.id AS lot_id, l.account_id, a.customer_id, l.remaining AS points, l.expires_at`,
    [input.now, input.now, input.until, input.limit]
  )
  return (rows as ExpiringLot[]).map((row) => ({ ...row, expires_at: new Date(row.expires_at) }))
}

/** Undo `claimExpiringLots` for lots still claimed at `claimed_at`. */
export async function unclaimExpiringLots(trx: Knex.Transaction, input: { lot_ids: string[]; claimed_at: Date }): Promise<void> {
  await trx("loyalty_lot").whereIn("id", input.lot_ids).where({ reminded_at: input.claimed_at }).update({ reminded_at: null })
}

// ---------------------------------------------------------------- coupons

/** Count a customer's live coupons of a reward (under the account's lock). */
export async function countCoupons(trx: Knex.Transaction, customerId: string, rewardId: string): Promise<number> {
  const [{ count }] = await trx("loyalty_coupon")
    .count({ count: "*" })
    .where({ customer_id: customerId, reward_id: rewardId })
    .whereNull("deleted_at")
  return Number(count)
}

/** The coupon written under an idempotency key, if any. */
export async function couponByKey(trx: Knex.Transaction, key: string): Promise<CouponRecord | undefined> {
  return await trx<CouponRecord>("loyalty_coupon").where({ idempotency_key: key }).first()
}

/** Write a reserved coupon (under the account's lock). */
export async function insertCoupon(trx: Knex.Transaction, input: CouponReservation): Promise<CouponRecord> {
  const [coupon] = await trx<CouponRecord>("loyalty_coupon")
    .insert({
      id: generateEntityId(undefined, "lcpn"),
      reward_id: input.reward_id,
      customer_id: input.customer_id,
      code: input.code,
      currency_code: input.currency_code,
      points_spent: input.points_spent,
      expires_at: input.expires_at,
      refund_on_expiry: input.refund_on_expiry,
      idempotency_key: input.idempotency_key,
    })
    .returning("*")
  return coupon
}

/** Hold the open coupons among `couponIds` (not closed, not past `now`, not held by another cart) for `cartId`, in one statement. */
export async function claimCoupons(trx: Knex.Transaction, couponIds: string[], cartId: string, now: Date): Promise<string[]> {
  const rows: { id: string }[] = await trx("loyalty_coupon")
    .whereIn("id", couponIds)
    .whereNull("expired_at")
    .whereNull("deleted_at")
    .where("expires_at", ">", now)
    .where((q) => q.whereNull("claimed_cart_id").orWhere("claimed_cart_id", cartId))
    .update({ claimed_cart_id: cartId, updated_at: new Date() })
    .returning("id")
  return rows.map((row) => row.id)
}

/**
 * Let go of the coupons `cartId` holds among `couponIds`, and open again those
 * the expiry pass closed while the cart held them (it refunds no held coupon),
 * under the rows' lock in the caller's transaction: such a coupon is then open and past its date, so no
 * checkout can claim it and the next expiry pass settles it whatever happens
 * after this. Returns the coupons let go of, each with `expired_at` as it was
 * before (set: closed while held).
 */
export async function releaseCouponClaims(trx: Knex.Transaction, couponIds: string[], cartId: string): Promise<CouponRecord[]> {
  const held: CouponRecord[] = await trx("loyalty_coupon").whereIn("id", couponIds).where("claimed_cart_id", cartId).forUpdate()
  if (!held.length) return []
  await trx("loyalty_coupon")
    .whereIn("id", held.map((coupon) => coupon.id))
    .update({ claimed_cart_id: null, expired_at: null, updated_at: new Date() })
  return held
}

/** Close a coupon unless it is closed; the row when this call closed it. */
export async function closeCoupon(trx: Knex.Transaction, couponId: string, now: Date): Promise<CouponRecord | undefined> {
  const [row]: CouponRecord[] = await trx("loyalty_coupon")
    .where({ id: couponId })
    .whereNull("expired_at")
    .update({ expired_at: now, updated_at: new Date() })
    .returning("*")
  return row
}

/**
 * The open coupons past their date: a due queue over (expires_at, id). Only
 * finished purchases (with a promotion): an unfinished one is settled by
 * `unfinishedCoupons`' pass, not closed as if it had been sold.
 */
export const expiredCoupons = (now: Date) => (knex: Knex) =>
  knex("loyalty_coupon").whereNull("expired_at").where("expires_at", "<=", now).whereNull("deleted_at").whereNotNull("promotion_id")

/** Purchases that died part-way: coupons still without a promotion, created at or before `cutoff`; a due queue over (created_at, id). */
export const unfinishedCoupons = (cutoff: Date) => (knex: Knex) =>
  knex("loyalty_coupon").whereNull("promotion_id").whereNull("deleted_at").where("created_at", "<=", cutoff)

/** Lock an unfinished coupon created at or before `cutoff` (none when it was finished or settled meanwhile). */
export async function lockUnfinishedCoupon(trx: Knex.Transaction, couponId: string, cutoff: Date): Promise<CouponRecord | undefined> {
  return await trx<CouponRecord>("loyalty_coupon")
    .where({ id: couponId })
    .whereNull("promotion_id")
    .whereNull("deleted_at")
    .where("created_at", "<=", cutoff)
    .forUpdate()
    .first()
}

/**
 * Tie a coupon to the entry that paid for it and the promotion that enforces
 * it, unless it was settled meanwhile (dropped) or tied to another
 * promotion; the row when it is tied.
 */
export async function finishCoupon(
  trx: Knex.Transaction,
  input: { id: string; entry_id: string; promotion_id: string }
): Promise<CouponRecord | undefined> {
  const [row]: CouponRecord[] = await trx("loyalty_coupon")
    .where({ id: input.id })
    .whereNull("deleted_at")
    .where((q) => q.whereNull("promotion_id").orWhere("promotion_id", input.promotion_id))
    .update({ entry_id: input.entry_id, promotion_id: input.promotion_id, updated_at: new Date() })
    .returning("*")
  return row
}

/** Drop a coupon whose purchase did not complete (soft delete: its key stays taken and says so). */
export async function dropCoupon(trx: Knex.Transaction, couponId: string): Promise<void> {
  await trx("loyalty_coupon").where({ id: couponId }).update({ deleted_at: new Date(), updated_at: new Date() })
}

// ---------------------------------------------------------------- members

/** Members whose birthday is one of `days`, set on or before `set_before`, a page by customer id. */
export async function birthdayMembers(
  knex: Knex,
  input: { days: { month: number; day: number }[]; set_before: Date; after: string | null; limit: number }
): Promise<{ customer_id: string }[]> {
  return await knex("loyalty_account")
    .select("customer_id")
    .whereNull("deleted_at")
    .where("birthday_set_at", "<=", input.set_before)
    .where((q) => {
      for (const { month, day } of input.days) q.orWhere({ birthday_month: month, birthday_day: day })
    })
    .modify((q) => (input.after ? q.where("customer_id", ">", input.after) : q))
    .orderBy("customer_id")
    .limit(input.limit)
}

/** Clear birthdays an import set at `set_at` on these customers' open accounts. */
export async function clearBirthdays(trx: Knex.Transaction, customerIds: string[], setAt: Date): Promise<void> {
  await trx("loyalty_account")
    .whereIn("customer_id", customerIds)
    .whereNull("deleted_at")
    .where({ birthday_set_at: setAt })
    .update({ birthday_month: null, birthday_day: null, birthday_set_at: null, updated_at: trx.fn.now() })
}

/**
 * Erase a member's personal data, closed accounts included: the birthday,
 * and the reasons staff typed on adjustments (an import's constant reason stays).
 */
export async function eraseMemberData(
  trx: Knex.Transaction,
  input: { customer_id: string; erased_reason: string }
): Promise<{ accounts: number; entries: number }> {
  const accounts = await trx("loyalty_account")
    .where({ customer_id: input.customer_id })
    .update({ birthday_month: null, birthday_day: null, birthday_set_at: null, updated_at: trx.fn.now() })
  const entries = await trx("loyalty_entry")
    .whereIn("account_id", trx("loyalty_account").select("id").where({ customer_id: input.customer_id }))
    .where({ actor_type: "admin" })
    // An import's reason is the constant "import", typed by nobody: it stays.
    .where((q) => q.whereNull("reference_type").orWhereNot("reference_type", ReferenceTypes.IMPORT))
    .whereNot({ reason: input.erased_reason })
    .update({ reason: input.erased_reason, updated_at: trx.fn.now() })
  return { accounts, entries }
}

// ---------------------------------------------------------------- order facts and imports

/**
 * Store what earning read of these orders, one statement for the batch; an
 * order that has its facts keeps them. Returns the ids of the rows written.
 */
export async function insertOrderFacts(trx: Knex.Transaction, facts: OrderFactInput[]): Promise<string[]> {
  const rows = facts.map((f) => ({ ...f, id: generateEntityId(undefined, "lofact"), placed_at: new Date(f.placed_at).toISOString() }))
  const { rows: written }: { rows: { id: string }[] } = await trx.raw(
    `INSERT INTO loyalty_order_fact (id, order_id, customer_id, currency_code, placed_at, sales_channel_id,
                                     total, raw_total, items_net, raw_items_net, points_credit, raw_points_credit, lines, source)
     SELECT r.id, r.order_id, r.customer_id, r.currency_code, r.placed_at, r.sales_channel_id,
            r.total::numeric, jsonb_build_object('value', r.total, 'precision', 20),
            r.items_net::numeric, jsonb_build_object('value', r.items_net, 'precision', 20),
            r.points_credit::numeric, jsonb_build_object('value', r.points_credit, 'precision', 20),
            r.lines, r.source
       FROM jsonb_to_recordset(?::jsonb) AS r(id text, order_id text, customer_id text, currency_code text, placed_at timestamptz,
                                              sales_channel_id text, total text, items_net text, points_credit text, lines jsonb, source text)
     ON CONFLICT (order_id) WHERE deleted_at IS NULL DO NOTHING
     RETURNING id`,
    [JSON.stringify(rows)]
  )
  return written.map((row) => row.id)
}

/** `created` → `running` in one conditional update; else the run's status (undefined: no such run). */
export async function startMemberImport(trx: Knex.Transaction, id: string): Promise<{ started: true } | { started: false; status?: string }> {
  const updated = await trx("loyalty_member_import")
    .where({ id, status: "created" })
    .whereNull("deleted_at")
    .update({ status: "running", updated_at: trx.fn.now() })
  if (updated) return { started: true }
  const row: { status: string } | undefined = await trx("loyalty_member_import").select("status").where({ id }).whereNull("deleted_at").first()
  return { started: false, status: row?.status }
}

/** A run's big-number columns (`numeric` plus `raw_<column>`, Medusa's `bigNumber`): both are written together. */
const IMPORT_BIG_NUMBERS = new Set(["points", "points_already", "points_earlier", "bytes_read"])

/**
 * Add one batch's figures to an import run under the run's row lock (counts
 * add up, lists keep their first `listLimit` lines); false when there is no
 * such run. A big-number column's raw JSON is set from the same expression
 * (an UPDATE's right-hand sides all read the row as it was).
 */
export async function addMemberImportProgress(
  trx: Knex.Transaction,
  input: { id: string; delta: MemberImportDelta; list_limit: number }
): Promise<boolean> {
  const row = await trx("loyalty_member_import").where({ id: input.id }).forUpdate().first()
  if (!row) return false
  const { counts, lists, bytes_read } = input.delta
  const patch: Record<string, unknown> = { updated_at: trx.fn.now() }
  const set = (column: string, expression: string, value: number) => {
    patch[column] = trx.raw(expression, [column, value])
    if (IMPORT_BIG_NUMBERS.has(column)) {
      patch[`raw_${column}`] = trx.raw(`jsonb_build_object('value', (${expression})::text, 'precision', 20)`, [column, value])
    }
  }
  for (const [column, value] of Object.entries(counts)) {
    if (value) set(column, "?? + ?", value)
  }
  if (bytes_read != null) set("bytes_read", "greatest(??, ?)", bytes_read)
  if (input.delta.format && !row.format) patch.format = input.delta.format
  for (const [column, items] of Object.entries(lists ?? {})) {
    const current = (row[column] as unknown[] | null) ?? []
    if (items?.length && current.length < input.list_limit) {
      patch[column] = JSON.stringify([...current, ...items].slice(0, input.list_limit))
    }
  }
  await trx("loyalty_member_import").where({ id: input.id }).update(patch)
  return true
}

// ---------------------------------------------------------------- jobs' and reports' reads

/** The customer of each open account among the rows' (a closed account's rows get none: they are left out). */
async function openAccountCustomers(knex: Knex, rows: { account_id: string }[]): Promise<Map<string, string>> {
  const accounts: { id: string; customer_id: string }[] = await knex("loyalty_account")
    .select("id", "customer_id")
    .whereIn("id", [...new Set(rows.map((row) => row.account_id))])
    .whereNull("deleted_at")
  return new Map(accounts.map((row) => [row.id, row.customer_id]))
}

/**
 * A page of the live pending entries that `narrow` picks, in keyset order of
 * their release date (`IDX_loyalty_entry_release_due`): the due queue both
 * the release and the ended return windows read.
 */
function pendingByRelease(
  knex: Knex,
  narrow: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
  after: DueCursor | null,
  limit: number
): Knex.QueryBuilder {
  const pending = knex("loyalty_entry").where({ type: "pending" }).whereNull("voided_at").whereNull("deleted_at")
  return keysetAfter(knex, narrow(pending), { at: "release_at", id: "id" }, after, limit)
}

/**
 * One page of orders whose return window has ended and that still hold
 * pending points, in keyset order of their pending entries (release date,
 * id); whether an order still holds pending points is one grouped read over
 * the page's orders.
 */
export async function dueReleases(
  knex: Knex,
  now: Date,
  after: DueCursor | null,
  limit: number
): Promise<DuePage<{ order_id: string; customer_id: string }>> {
  const rows: { order_id: string; account_id: string; cursor_at: string; cursor_id: string }[] = await pendingByRelease(
    knex,
    (query) => query.select("order_id", "account_id").where("points", ">", 0).where("release_at", "<=", now),
    after,
    limit
  )
  const orderIds = [...new Set(rows.map((row) => row.order_id))]
  const [holding, customerOf]: [{ order_id: string }[], Map<string, string>] = rows.length
    ? await Promise.all([
        knex("loyalty_entry").select("order_id").whereIn("order_id", orderIds).groupBy("order_id").havingRaw("sum(pending_change) > 0"),
        openAccountCustomers(knex, rows),
      ])
    : [[], new Map()]
  const pending = new Set(holding.map((row) => row.order_id))
  return duePage(rows, limit, (page) =>
    page.flatMap((row) => {
      const customer_id = customerOf.get(row.account_id)
      return pending.has(row.order_id) && customer_id ? [{ order_id: row.order_id, customer_id }] : []
    })
  )
}

/**
 * Orders whose return window ended in [since, until]: their pending entries
 * by `release_at` (0-point ones too, which `dueReleases` never releases), in
 * keyset order (release date, entry) over `IDX_loyalty_entry_release_due`,
 * each with its open account's customer (a closed account's are left out),
 * the points its pending entries wrote and whether it was released, read for
 * the page's orders in one grouped statement on the order index. One order
 * may come more than once (a correction's pending entry ends with the
 * first); the pass takes each order once.
 */
export async function endedReturnWindows(
  knex: Knex,
  window: { since: Date; until: Date },
  after: DueCursor | null,
  limit: number
): Promise<DuePage<EndedReturnWindow>> {
  const rows: { order_id: string; account_id: string; release_at: Date; cursor_at: string; cursor_id: string }[] = await pendingByRelease(
    knex,
    (query) =>
      query
        .select("order_id", "account_id", "release_at")
        .whereNotNull("order_id")
        .where("release_at", ">=", window.since)
        .where("release_at", "<=", window.until),
    after,
    limit
  )
  const orderIds = [...new Set(rows.map((row) => row.order_id))]
  const [orders, customerOf]: [{ order_id: string; earned: number; released: boolean }[], Map<string, string>] = rows.length
    ? await Promise.all([
        knex("loyalty_entry")
          .select("order_id")
          .select(knex.raw(`coalesce(sum(points) FILTER (WHERE type = 'pending'), 0)::int AS earned`))
          .select(knex.raw(`bool_or(type = 'release') AS released`))
          .whereIn("order_id", orderIds)
          .whereNull("voided_at")
          .whereNull("deleted_at")
          .groupBy("order_id"),
        openAccountCustomers(knex, rows),
      ])
    : [[], new Map()]
  const orderOf = new Map(orders.map((row) => [row.order_id, row]))
  return duePage(rows, limit, (page) =>
    page.flatMap((row) => {
      const customer_id = customerOf.get(row.account_id)
      const order = orderOf.get(row.order_id)
      return customer_id && order
        ? [{ customer_id, order_id: row.order_id, release_at: new Date(row.release_at), earned: order.earned, released: order.released }]
        : []
    })
  )
}

/** The releases written in [since, until]: a due queue over (created_at, id). */
export const releasesWritten = (since: Date, until: Date) => (knex: Knex) =>
  knex("loyalty_entry").where({ type: "release" }).where("created_at", ">=", since).where("created_at", "<=", until).whereNull("deleted_at")

/** The lots past their expiry that still hold points: a due queue over (expires_at, id). */
export const expiredLots = (now: Date) => (knex: Knex) =>
  knex("loyalty_lot").where("remaining", ">", 0).where("expires_at", "<=", now).whereNull("deleted_at")

/**
 * One page of the whole ledger in a period, oldest first, with each entry's
 * customer, keyset-paginated on (created_at, id); the cursor is the
 * timestamp as Postgres prints it.
 */
export async function ledgerPage(
  knex: Knex,
  input: { from: Date | null; to: Date | null; after: { cursor: string; id: string } | null; limit: number }
): Promise<(HeldEntry & { cursor: string })[]> {
  return await knex("loyalty_entry as e")
    .join("loyalty_account as a", "a.id", "e.account_id")
    .select("e.*", "a.customer_id", knex.raw("e.created_at::text AS cursor"))
    .whereNull("e.deleted_at")
    .modify((q) => {
      if (input.from) q.where("e.created_at", ">=", input.from)
      if (input.to) q.where("e.created_at", "<", input.to)
      if (input.after) q.whereRaw("(e.created_at, e.id) > (?::timestamptz, ?)", [input.after.cursor, input.after.id])
    })
    .orderBy([
      { column: "e.created_at", order: "asc" },
      { column: "e.id", order: "asc" },
    ])
    .limit(input.limit)
}

/** The first day (UTC) an account's lots expire, and how many points expire that day. */
export async function nextExpiry(knex: Knex, accountId: string): Promise<{ expires_at: Date; points: number } | null> {
  const { rows } = await knex.raw(
    `SELECT min(expires_at) AS expires_at, sum(remaining)::int AS points FROM loyalty_lot
      WHERE account_id = ? AND remaining > 0 AND expires_at IS NOT NULL AND deleted_at IS NULL
      GROUP BY date_trunc('day', expires_at AT TIME ZONE 'UTC') ORDER BY 1 ASC LIMIT 1`,
    [accountId]
  )
  const row: { expires_at: Date; points: number } | undefined = rows[0]
  return row ? { expires_at: new Date(row.expires_at), points: Number(row.points) } : null
}

/** Entries that count as flows: not one a compensation undid, nor the counter-entry that undid it. */
const EFFECTIVE = "voided_at IS NULL AND reference_type IS DISTINCT FROM 'entry'"

const MONTH_FIGURES = ["issued", "redeemed", "restored", "expired", "reversed", "adjusted_down", "net_change"] as const

/**
 * The ledger's figures behind the liability report, set-based: outstanding
 * points from the cached account figures, the open lots that can still
 * expire, the settled cohort the breakage rate is measured on, and the
 * movement per month from `months_from`.
 */
export async function liabilityFacts(knex: Knex, input: { now: Date; window_months: number; months_from: Date }) {
  const windowStart = addMonths(input.now, -input.window_months)
  const [{ rows: totals }, { rows: lots }, { rows: cohort }, { rows: months }, { rows: before }] = await Promise.all([
    knex.raw(
      `SELECT coalesce(sum(balance), 0)::bigint AS available, coalesce(sum(pending), 0)::bigint AS pending,
              coalesce(sum(debt), 0)::bigint AS debt,
              count(*) FILTER (WHERE balance > 0 OR pending > 0)::int AS members
         FROM loyalty_account WHERE deleted_at IS NULL`
    ),
    knex.raw(
      `SELECT coalesce(sum(remaining), 0)::bigint AS expiring
         FROM loyalty_lot WHERE deleted_at IS NULL AND remaining > 0 AND expires_at IS NOT NULL`
    ),
    // A lot that gives back points (a restore, a compensation's counter-entry) keeps the expiry of
    // the lot it refills: its points were issued once, in that lot, but what it loses to expiry counts.
    knex.raw(
      `WITH cohort AS (
         SELECT l.id, l.remaining,
                CASE WHEN e.type IN ('earn', 'release', 'adjust') AND e.voided_at IS NULL
                      AND e.reference_type IS DISTINCT FROM 'entry' THEN l.points ELSE 0 END AS issued
           FROM loyalty_lot l JOIN loyalty_entry e ON e.id = l.entry_id
          WHERE l.deleted_at IS NULL AND l.expires_at > ? AND l.expires_at <= ?
       )
       SELECT count(*)::int AS lots, coalesce(sum(c.issued), 0)::bigint AS issued,
              (coalesce(sum(c.remaining), 0) + coalesce((
                SELECT -sum(x.points) FROM loyalty_entry x
                 WHERE x.type = 'expire' AND x.reference_type = 'lot' AND x.voided_at IS NULL
                   AND x.deleted_at IS NULL AND x.reference_id IN (SELECT id FROM cohort)), 0))::bigint AS expired
         FROM cohort c`,
      [windowStart, input.now]
    ),
    knex.raw(
      `SELECT to_char(date_trunc('month', created_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
              coalesce(sum(points) FILTER (WHERE ${EFFECTIVE} AND (type IN ('pending', 'earn') OR (type = 'adjust' AND points > 0))), 0)::bigint AS issued,
              coalesce(-sum(points) FILTER (WHERE ${EFFECTIVE} AND type = 'redeem'), 0)::bigint AS redeemed,
              coalesce(sum(points) FILTER (WHERE ${EFFECTIVE} AND type = 'restore'), 0)::bigint AS restored,
              coalesce(-sum(points) FILTER (WHERE ${EFFECTIVE} AND type = 'expire'), 0)::bigint AS expired,
              coalesce(-sum(points) FILTER (WHERE ${EFFECTIVE} AND type = 'reverse'), 0)::bigint AS reversed,
              coalesce(-sum(points) FILTER (WHERE ${EFFECTIVE} AND type = 'adjust' AND points < 0), 0)::bigint AS adjusted_down,
              coalesce(sum(balance_change + pending_change), 0)::bigint AS net_change
         FROM loyalty_entry WHERE deleted_at IS NULL AND created_at >= ? AND created_at <= ?
        GROUP BY 1 ORDER BY 1`,
      [input.months_from, input.now]
    ),
    knex.raw(
      `SELECT coalesce(sum(balance_change + pending_change), 0)::bigint AS outstanding
         FROM loyalty_entry WHERE deleted_at IS NULL AND created_at < ?`,
      [input.months_from]
    ),
  ])
  return {
    ...numbers(totals[0], ["available", "pending", "debt", "members"] as const),
    available_expiring: Number(lots[0].expiring),
    cohort: numbers(cohort[0], ["lots", "issued", "expired"] as const),
    outstanding_before: Number(before[0].outstanding),
    months: months.map((row: Record<string, string>) => ({ month: row.month, ...numbers(row, MONTH_FIGURES) })),
  }
}

/** The named columns of a row as numbers (Postgres sends bigint and numeric sums as strings). */
function numbers<K extends string>(row: Record<string, unknown>, keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, Number(row[key])])) as Record<K, number>
}

// ---------------------------------------------------------------- credits to many accounts, set-based

/**
 * Lock the open accounts of these customers, creating the missing ones, for
 * the rest of the transaction, with the posting path's `lock_timeout`;
 * refused, as `lockAccount` refuses, when one of them was closed (its
 * customer deleted). The missing accounts are inserted in customer order in
 * one statement (`ON CONFLICT DO NOTHING`, as `lockAccount` inserts: a first
 * writer at the same moment makes the row, this waits for it), then every
 * account is locked in customer order, the order every write that locks
 * several accounts takes them in.
 */
export async function lockAccounts(trx: Knex.Transaction, customerIds: string[]): Promise<LoyaltyAccount[]> {
  const customers = [...new Set(customerIds)].sort()
  await setLockTimeout(trx)
  const { rows: closed } = await trx.raw(
    `SELECT customer_id FROM loyalty_account WHERE customer_id = ANY(?)
      GROUP BY customer_id HAVING bool_and(deleted_at IS NOT NULL) ORDER BY customer_id LIMIT 1`,
    [customers]
  )
  if (closed.length) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Customer ${closed[0].customer_id} was deleted: their points account is closed`)
  }
  await trx.raw(
    `INSERT INTO loyalty_account (id, customer_id, balance, pending, debt, lifetime_earned, lifetime_redeemed)
     SELECT n.id, n.customer_id, 0, 0, 0, 0, 0 FROM unnest(?::text[], ?::text[]) AS n(id, customer_id)
      WHERE NOT EXISTS (SELECT 1 FROM loyalty_account a WHERE a.customer_id = n.customer_id AND a.deleted_at IS NULL)
      ORDER BY n.customer_id
     ON CONFLICT (customer_id) WHERE deleted_at IS NULL DO NOTHING`,
    [customers.map(() => generateEntityId(undefined, "lacc")), customers]
  )
  const { rows }: { rows: LoyaltyAccount[] } = await trx.raw(
    `SELECT * FROM loyalty_account WHERE customer_id = ANY(?) AND deleted_at IS NULL ORDER BY customer_id FOR UPDATE`,
    [customers]
  )
  if (rows.length < customers.length) {
    // Closed while this waited for its lock (the customer was deleted at that moment).
    const open = new Set(rows.map((row) => row.customer_id))
    const gone = customers.find((customer) => !open.has(customer))
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Customer ${gone} was deleted: their points account is closed`)
  }
  return rows
}
