import { Knex } from "@medusajs/framework/mikro-orm/knex"

/**
 * Refreshes the planner's statistics of the plugin's own tables that a
 * set-based read is about to join, when they are stale: never analyzed
 * while holding rows, or changed by more than a tenth of their rows (and
 * 50) since the last ANALYZE, autovacuum's own rule. Autovacuum would get there, but not before a read that
 * starts right after a bulk write: after the what-if fill wrote 500,000
 * order facts, the next replay's cursor was planned for a table of "12
 * rows" (materialized whole and scanned once per order) and crawled for
 * minutes where it takes seconds. One ANALYZE samples at most 30,000 rows
 * (about a second at a million), and is skipped while the statistics hold.
 * Returns the tables it analyzed.
 */
export async function analyzeStaleTables(pg: Knex, tables: readonly string[]): Promise<string[]> {
  const { rows } = await pg.raw(
    `SELECT s.relname
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = current_schema() AND s.relname = ANY(?)
        AND ((s.last_analyze IS NULL AND s.last_autoanalyze IS NULL AND s.n_live_tup + s.n_mod_since_analyze > 0)
             OR s.n_mod_since_analyze > 0.1 * greatest(c.reltuples, 0) + 50)`,
    [tables as string[]] as unknown as Knex.RawBinding[]
  )
  const stale = (rows as { relname: string }[]).map((row) => row.relname)
  for (const table of stale) await pg.raw(`ANALYZE ??`, [table])
  return stale
}
