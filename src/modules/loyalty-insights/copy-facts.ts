import { Readable, Transform, TransformCallback } from "stream"
import { pipeline } from "stream/promises"
import { StringDecoder } from "string_decoder"
import type { ClientBase } from "pg"
import { from as copyFrom } from "pg-copy-streams"
import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { generateEntityId } from "@medusajs/framework/utils"
import type { CustomerOrderFacts } from "./types"

/**
 * The columns of a stream of customers' order facts, in their order: what
 * `copyCustomerFacts` reads, one customer a line in Postgres's COPY text
 * format (tab-separated, `\N` for null, timestamps with their offset). The
 * aggregation step writes its `COPY (…) TO STDOUT` in this order. Money
 * (the last four) as exact decimals, `monetary_by_currency` as a JSON object
 * (currency code → amount), `is_member`, `referrals` and `redeemed_points`
 * never null. The module adds the row's id, the run, each money column's raw
 * big-number JSON and the customer's latest feedback score.
 */
export const FACT_STREAM_COLUMNS = [
  "customer_id",
  "is_member",
  "orders_count",
  "purchase_days",
  "valued_days",
  "valued_repeat_days",
  "first_order_at",
  "last_order_at",
  "recency_days",
  "tx_days",
  "age_days",
  "monetary_by_currency",
  "gap_before_last",
  "referrals",
  "redeemed_points",
  "cal_purchase_days",
  "cal_tx_days",
  "cal_age_days",
  "holdout_purchase_days",
  "monetary",
  "repeat_mean",
  "recent_spend",
  "prior_spend",
] as const satisfies readonly (keyof CustomerOrderFacts)[]

/** The money columns, last on each line, whose raw big-number JSON the module adds. */
const MONEY_COLUMNS = 4

/**
 * A run's facts from a stream of COPY text lines (`FACT_STREAM_COLUMNS`)
 * into `loyalty_customer_fact` with one `COPY … FROM STDIN`, in one
 * transaction with the feedback scores joined after it. Postgres parses the
 * text as it arrives: no row is held here beyond the chunk being passed on.
 * Returns the rows written.
 */
export async function copyFacts(knex: Knex, runId: string, now: Date, facts: Readable): Promise<number> {
  return await knex.transaction(async (trx) => {
    const client = (await trx.client.acquireConnection()) as ClientBase
    const into = client.query(
      copyFrom(
        `COPY loyalty_customer_fact (id, run_id, ${FACT_STREAM_COLUMNS.join(", ")},
              raw_monetary, raw_repeat_mean, raw_recent_spend, raw_prior_spend) FROM STDIN`
      )
    )
    await pipeline(facts, new FactLines(runId), into)
    // Each customer's latest feedback score as of `now` (this module's table): few customers answer, so
    // the few rows are updated after the copy rather than looked up for every line.
    await trx.raw(
      `UPDATE loyalty_customer_fact f SET nps_score = x.score
         FROM (SELECT DISTINCT ON (customer_id) customer_id, score FROM loyalty_feedback
                WHERE deleted_at IS NULL AND created_at <= ?
                ORDER BY customer_id, created_at DESC, id DESC) x
        WHERE f.run_id = ? AND f.customer_id = x.customer_id`,
      [new Date(now), runId]
    )
    return into.rowCount
  })
}

/** Raw big-number JSON of a decimal as Medusa's bigNumber columns keep it (null stays null). */
const rawOf = (value: string) => (value === "\\N" ? value : `{"value": "${value}", "precision": 20}`)

/**
 * Each COPY text line of facts with the row's id and run in front and the
 * money columns' raw JSON behind: line by line as the chunks arrive (a line
 * may be split between two chunks; so may a UTF-8 character).
 */
class FactLines extends Transform {
  private readonly decoder = new StringDecoder("utf8")
  private rest = ""
  /** The stream's ids: one time-ordered ULID, then a counter (see `line`). */
  private readonly idBase = generateEntityId(undefined, "lcins")
  private count = 0

  constructor(private readonly runId: string) {
    super()
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    const text = this.rest + (typeof chunk === "string" ? chunk : this.decoder.write(chunk))
    let out = ""
    let start = 0
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      out += this.line(text.slice(start, end))
      start = end + 1
    }
    this.rest = text.slice(start)
    callback(null, out)
  }

  override _flush(callback: TransformCallback): void {
    const last = this.rest + this.decoder.end()
    callback(null, last.length ? this.line(last) : "")
  }

  private line(line: string): string {
    let end = line.length
    const raw: string[] = []
    for (let i = 0; i < MONEY_COLUMNS; i++) {
      const tab = line.lastIndexOf("\t", end - 1)
      raw.unshift(rawOf(line.slice(tab + 1, end)))
      end = tab
    }
    // Ids in the order the rows come (a ULID, as Medusa's ids, and a counter of six base-36 digits): each row
    // goes to the right end of the primary key's index, and so do the run's rows later (they take these ids).
    const id = this.idBase + (this.count++).toString(36).padStart(6, "0")
    return `${id}\t${this.runId}\t${line}\t${raw.join("\t")}\n`
  }
}

/** A value in COPY text format: `\N` for null; backslash, tab, newline and carriage return escaped. */
function copyText(value: string | number | boolean | Date | null): string {
  if (value === null) return "\\N"
  if (value instanceof Date) return value.toISOString()
  return String(value).replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c] ?? c)
}

/** Facts as objects (a test, a small store) as the COPY text lines `copyFacts` reads. */
export function factLines(facts: CustomerOrderFacts[]): Readable {
  return Readable.from(
    facts.map((row) => FACT_STREAM_COLUMNS.map((column) => copyText(row[column])).join("\t") + "\n")
  )
}
