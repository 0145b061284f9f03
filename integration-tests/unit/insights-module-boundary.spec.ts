import { readdirSync, readFileSync } from "fs"
import { join } from "path"

/**
 * The insights module owns only its own tables (issue 14, module boundaries):
 * the recompute's workflow reads Medusa's orders and customers, the points
 * ledger and the referrals, and hands the module plain facts. This reads the
 * module's source and fails when any of its SQL names a table that is not
 * the module's own.
 */
const ROOT = join(__dirname, "..", "..", "src", "modules")
const MODULE = join(ROOT, "loyalty-insights")

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sources(path)
    return entry.name.endsWith(".ts") ? [{ file: path, text: readFileSync(path, "utf8") }] : []
  })
}

/** Tables a module's data models define (`model.define("name", …)`). */
function definedTables(moduleDir: string): string[] {
  return sources(join(moduleDir, "models")).flatMap(({ text }) =>
    [...text.matchAll(/\.define\(\s*"([a-z0-9_]+)"/g)].map((m) => m[1])
  )
}

/** Medusa's tables the plugin reads elsewhere (orders, customers, groups, store). */
const MEDUSA_TABLES = [
  "order",
  "order_summary",
  "order_item",
  "order_line_item",
  "order_transaction",
  "order_change",
  "order_credit_line",
  "return",
  "customer",
  "customer_group",
  "customer_group_customer",
  "customer_address",
  "store",
  "store_currency",
  "payment",
  "payment_collection",
]

/**
 * Every table a piece of source names in SQL or a knex call: after FROM,
 * JOIN, INTO, UPDATE (not a function such as unnest(…) nor a column such as
 * prev.x), or `knex("table")`; comments are left out;
 * names the same source defines as CTEs (`name AS (`) are not tables.
 */
function referencedTables(source: string): string[] {
  // Comments are prose ("one UPDATE … FROM unnest per batch"), not SQL.
  const text = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")
  const ctes = new Set([...text.matchAll(/\b([a-z_][a-z0-9_]*)\s+AS\s+(?:MATERIALIZED\s+)?\(/g)].map((m) => m[1]))
  const sql = [...text.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE)\s+"?([a-z_][a-z0-9_]*)\b"?(?!\s*[(.])/g)].map((m) => m[1])
  const knexCalls = [...text.matchAll(/(?:knex|knex_\([^)]*\)|trx|\.(?:join|leftJoin|innerJoin|from))\(\s*["'`]([a-z_][a-z0-9_]*)/g)].map((m) => m[1])
  return [...new Set([...sql, ...knexCalls])].filter((name) => !ctes.has(name))
}

const own = definedTables(MODULE)
const foreign = [
  ...MEDUSA_TABLES,
  ...readdirSync(ROOT)
    .filter((name) => name !== "loyalty-insights")
    .flatMap((name) => definedTables(join(ROOT, name))),
]

describe("insights module boundaries (issue 14)", () => {
  it("knows the module's own tables and the other modules' (the check below has something to check)", () => {
    expect(own).toEqual(
      expect.arrayContaining(["loyalty_customer_insight", "loyalty_insight_run", "loyalty_kpi_snapshot", "loyalty_feedback"])
    )
    expect(foreign).toEqual(expect.arrayContaining(["loyalty_entry", "loyalty_account", "loyalty_referral", "order", "customer"]))
  })

  it("finds a foreign table in SQL the way the module's code writes it", () => {
    const sample = `const rows = await knex.raw(\`WITH facts AS (SELECT 1) SELECT * FROM "order" o
      JOIN order_summary s ON s.order_id = o.id JOIN customer c ON c.id = o.customer_id
      LEFT JOIN facts f ON true CROSS JOIN unnest(?::text[]) AS u(id)\`)
      await knex("loyalty_entry").where({})
      q.join("customer_group_customer as g", "g.customer_id", "i.customer_id")`
    expect(referencedTables(sample).sort()).toEqual(["customer", "customer_group_customer", "loyalty_entry", "order", "order_summary"])
  })

  it("the insights module's SQL names none of Medusa's or the other loyalty modules' tables, only its own", () => {
    const found: string[] = []
    for (const { file, text } of sources(MODULE)) {
      for (const table of referencedTables(text)) {
        if (!own.includes(table)) found.push(`${file.slice(ROOT.length + 1)}: ${table}${foreign.includes(table) ? " (another module's)" : ""}`)
      }
    }
    expect(found).toEqual([])
  })
})
