import { AsyncLocalStorage } from "async_hooks"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

/** What ran on Postgres inside one `countTransactions` call. */
export type SqlCount = {
  /** As `pg_stat_database.xact_commit` counts them: an autocommit statement is 1, a BEGIN…COMMIT is 1. */
  transactions: number
  /** Every statement, in order, prefixed with its transaction's number (`BEGIN`/`COMMIT` included). */
  statements: string[]
}

type Tally = { count: SqlCount; open: WeakMap<object, number> }
type PgQuery = (this: object, ...args: unknown[]) => unknown

const storage = new AsyncLocalStorage<Tally>()

/**
 * Run `work` and count the SQL it sends, and only its own: every statement
 * the pg driver under the container's connection (Medusa's modules share it)
 * is asked to run from `work`'s async context — the workflows it runs and the
 * subscribers of the events they emit, as long as `work` awaits them — but
 * not a job or an earlier request's subscriber running at the same time.
 */
export async function countTransactions(container: MedusaContainer, work: () => Promise<unknown>): Promise<SqlCount> {
  const knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  const client = (knex.client as { driver: { Client: { prototype: { query: PgQuery } } } }).driver.Client.prototype
  const original = client.query
  client.query = function (this: object, ...args: unknown[]) {
    const tally = storage.getStore()
    if (tally) record(tally, this, args[0])
    return original.apply(this, args)
  }
  const tally: Tally = { count: { transactions: 0, statements: [] }, open: new WeakMap() }
  try {
    await storage.run(tally, work)
  } finally {
    client.query = original
  }
  return tally.count
}

function record(tally: Tally, connection: object, query: unknown) {
  const text = (typeof query === "string" ? query : (query as { text?: string } | null)?.text ?? "").trim()
  let number = tally.open.get(connection)
  if (/^(begin|start transaction)\b/i.test(text)) {
    number = ++tally.count.transactions
    tally.open.set(connection, number)
  } else if (/^(commit|end|rollback)\b/i.test(text) && !/^rollback to\b/i.test(text)) {
    tally.open.delete(connection)
    // A rolled-back transaction is not a commit.
    if (/^rollback\b/i.test(text)) tally.count.transactions--
  } else if (number === undefined) {
    number = ++tally.count.transactions
  }
  tally.count.statements.push(`${number ?? "-"}: ${text.replace(/\s+/g, " ").slice(0, 200)}`)
}
