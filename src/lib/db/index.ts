import { Context } from "@medusajs/framework/types"
import { Knex, SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import { MedusaError } from "@medusajs/framework/utils"

/**
 * What the plugin's module services share about raw SQL: how they reach the
 * connection, the lock timeout, and the versioned save under a table lock.
 * Ordinary reads and writes go through `MedusaService`'s generated methods;
 * these are for the few paths where SQL is the point (a row or advisory lock,
 * a conditional update, a set-based job).
 */

/** The context Medusa injects into a module service method (`@MedusaContext()`). */
export type SharedContext = Context<SqlEntityManager>

/** Postgres gives up waiting for a lock after this long instead of piling up requests. */
export const LOCK_TIMEOUT = "5s"

/**
 * The transaction a locking write runs in. Without one, a row or advisory
 * lock would be released at once and the check it guards would race, so this
 * refuses loudly instead (as Medusa's store-credit service does).
 */
export function transactionOf(sharedContext: SharedContext, what: string): Knex.Transaction {
  const trx = sharedContext.transactionManager?.getTransactionContext<Knex.Transaction>()
  if (!trx) {
    throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `${what} must run inside a transaction`)
  }
  return trx
}

/** Set `lock_timeout` for the rest of the transaction, before taking a row or advisory lock. */
export async function setLockTimeout(trx: Knex.Transaction): Promise<void> {
  await trx.raw(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`)
}

/** The transaction of `transactionOf`, with `lock_timeout` set for the rest of it. */
export async function lockingTransaction(sharedContext: SharedContext, what: string): Promise<Knex.Transaction> {
  const trx = transactionOf(sharedContext, what)
  await setLockTimeout(trx)
  return trx
}

/**
 * Lock a module's row (matched by `where`, not soft-deleted) for the rest of
 * the transaction, running `create` first when there is none. `create`
 * inserts with `ON CONFLICT … DO NOTHING`, so two first writers at once make
 * one row: the second insert does nothing and waits for the first's lock. A
 * `create` may refuse instead (it throws) when the row must not come back.
 */
export async function lockOrCreate<T extends object>(
  trx: Knex.Transaction,
  table: string,
  where: Record<string, string>,
  create: () => Promise<void>
): Promise<T> {
  await setLockTimeout(trx)
  const select = () => trx<T>(table).where(where).whereNull("deleted_at").forUpdate().first()
  let row = await select()
  if (!row) {
    await create()
    row = await select()
  }
  return row as T
}

/** The connection a read runs on: the caller's transaction when there is one. */
export function knexOf(sharedContext: SharedContext): Knex {
  const manager = (sharedContext.transactionManager ?? sharedContext.manager) as SqlEntityManager
  return manager.getTransactionContext<Knex.Transaction>() ?? manager.getKnex()
}

/**
 * Send what the generated methods queued in this transaction to Postgres now.
 * `MedusaService`'s create, update and soft-delete only queue their writes in
 * the transaction's entity manager, which writes them at commit; a raw
 * statement or a unique index that must see them earlier needs them written
 * first (as Medusa's store-credit service flushes before its next balance read).
 */
export async function flushWrites(sharedContext: SharedContext): Promise<void> {
  await (sharedContext.transactionManager as SqlEntityManager | undefined)?.flush()
}

/** The one record a `take: 1` list found, or null: a generated `list…` read as a lookup. */
export async function oneOrNull<T>(list: Promise<T[]>): Promise<T | null> {
  const [found] = await list
  return found ?? null
}

/**
 * One page of a history, newest first ((created_at, id) descending, the
 * index a history is read by): `list` reads one row more than the page, and
 * `has_more` says whether it came, instead of a total count that would scan
 * the whole history. A page costs the same at 10 rows or 100k.
 */
export async function newestFirst<T>(
  list: (config: { order: { created_at: "DESC"; id: "DESC" }; take: number; skip: number }) => Promise<T[]>,
  page: { limit: number; offset: number }
): Promise<{ rows: T[]; has_more: boolean }> {
  const rows = await list({ order: { created_at: "DESC", id: "DESC" }, take: page.limit + 1, skip: page.offset })
  return { rows: rows.slice(0, page.limit), has_more: rows.length > page.limit }
}

/** The fields of a record that leave the module (a serialized DTO carries every loaded column). */
export function pickFields<T, K extends keyof T>(record: T, fields: readonly K[]): Pick<T, K> {
  return Object.fromEntries(fields.map((field) => [field, record[field]])) as Pick<T, K>
}

/**
 * Lock a settings or version table against other savers for the rest of the
 * transaction, before reading what is in force and writing the next version.
 * SHARE ROW EXCLUSIVE conflicts with itself and with writers, not with
 * readers: two admins saving at once save one after the other (consecutive
 * versions, no lost change) and nobody reading waits.
 */
export async function lockForSave(sharedContext: SharedContext, table: string, what: string): Promise<void> {
  await transactionOf(sharedContext, what).raw(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`)
}

/** The list config that reads the latest saved version of a versioned settings table. */
export const LATEST_VERSION = { order: { version: "DESC" }, take: 1 } as const

/** The bookkeeping columns of a saved version, which are not settings. */
type VersionBookkeeping = { id: string; created_by: string | null; created_at: Date; updated_at: Date; deleted_at: Date | null }

/** The settings a saved version holds, without the row's bookkeeping. */
export function settingsOf<S>(row: S & VersionBookkeeping): S {
  const { id, created_by, created_at, updated_at, deleted_at, ...settings } = row
  return settings as S
}

/**
 * The settings in force of a versioned settings table: those of the latest
 * saved version (`latest`, a list read with `LATEST_VERSION`), else
 * `fromOptions` (version 0: the plugin options, until staff save).
 */
export async function settingsInForce<S>(latest: Promise<(S & VersionBookkeeping)[]>, fromOptions: () => S): Promise<S> {
  const row = await oneOrNull(latest)
  return row ? settingsOf(row) : fromOptions()
}

/**
 * Save settings under `lockForSave`: read what is in force, build the next
 * settings from it, refuse them with their `problems`, and `write` them.
 * Two admins saving at once save one after the other, each building on the
 * other's save. Returns the settings written and those they replace.
 */
export async function saveSettings<S>(
  sharedContext: SharedContext,
  table: string,
  what: string,
  steps: { current: () => Promise<S>; next: (current: S) => S; problems: (next: S) => string[]; write: (next: S) => Promise<unknown> }
): Promise<{ next: S; previous: S }> {
  await lockForSave(sharedContext, table, what)
  const previous = await steps.current()
  const next = steps.next(previous)
  const problems = steps.problems(next)
  if (problems.length) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, problems.join("; "))
  }
  await steps.write(next)
  return { next, previous }
}

/**
 * Save settings as the next version of a versioned settings table
 * (`saveSettings`): `changes` applied to what is in force (fields left out
 * keep their value), `create`d with the next version number. Two admins
 * saving at once get consecutive versions.
 */
export async function saveNextVersion<S extends { version: number }>(
  sharedContext: SharedContext,
  table: string,
  what: string,
  changes: Partial<Omit<S, "version">>,
  steps: { current: () => Promise<S>; problems: (next: S) => string[]; create: (next: S) => Promise<unknown> }
): Promise<S> {
  const { next } = await saveSettings<S>(sharedContext, table, what, {
    current: steps.current,
    next: (current) => ({ ...current, ...changes, version: current.version + 1 }),
    problems: steps.problems,
    write: steps.create,
  })
  return next
}

/**
 * Write the one row of a settings table that is not versioned: update the
 * row there is (`find` reads its id), else create it.
 */
export async function writeOnlyRow<V>(
  values: V,
  steps: { find: () => Promise<{ id: string }[]>; update: (row: V & { id: string }) => Promise<unknown>; create: (values: V) => Promise<unknown> }
): Promise<void> {
  const row = await oneOrNull(steps.find())
  await (row ? steps.update({ id: row.id, ...values }) : steps.create(values))
}

/**
 * Where a keyset read of a due queue continues: the ordering column of the
 * last row read, as Postgres prints it (`at`, full microsecond precision, so
 * the next read never returns that row again), and its tie-breaking id.
 */
export type DueCursor = { at: string; id: string }

/** One page of a due queue: the due items read, and where the next page starts (null: the queue ends here). */
export type DuePage<T> = { items: T[]; next: DueCursor | null }

/**
 * A due read in keyset order over (`at`, `id`), from `after` on, `limit`
 * rows: an index range scan on an index over those two columns, never an
 * OFFSET and never a re-read of what an earlier page covered. Selects the
 * cursor's columns as `cursor_at` and `cursor_id`.
 */
export function keysetAfter(
  knex: Knex,
  query: Knex.QueryBuilder,
  columns: { at: string; id: string },
  after: DueCursor | null,
  limit: number
): Knex.QueryBuilder {
  query.select(knex.raw(`??::text AS cursor_at, ?? AS cursor_id`, [columns.at, columns.id]))
  if (after) {
    // The first bound lets the planner start the index scan at the cursor; the row comparison breaks ties.
    query.where(columns.at, ">=", after.at).whereRaw(`(??, ??) > (?::timestamptz, ?)`, [columns.at, columns.id, after.at, after.id])
  }
  return query.orderBy([columns.at, columns.id]).limit(limit)
}

/**
 * The page of `keysetAfter`'s rows: `due` picks and shapes the items (a read
 * may scan rows it then leaves out), and the next page starts after the last
 * row scanned, or nowhere once a read came back short.
 */
export function duePage<R extends { cursor_at: string; cursor_id: string }, T>(
  rows: R[],
  limit: number,
  due: (rows: R[]) => T[]
): DuePage<T> {
  const last = rows[rows.length - 1]
  return { items: due(rows), next: rows.length < limit || !last ? null : { at: last.cursor_at, id: last.cursor_id } }
}

/** `keysetAfter` and `duePage` for a queue whose items are the rows' ids (`id` of `columns`), on the context's connection. */
export async function dueIds(
  sharedContext: SharedContext,
  due: (knex: Knex) => Knex.QueryBuilder,
  columns: { at: string; id: string },
  page: { after: DueCursor | null; limit: number }
): Promise<DuePage<string>> {
  const knex = knexOf(sharedContext)
  const rows: { cursor_at: string; cursor_id: string }[] = await keysetAfter(knex, due(knex), columns, page.after, page.limit)
  return duePage(rows, page.limit, (found) => found.map((row) => row.cursor_id))
}
