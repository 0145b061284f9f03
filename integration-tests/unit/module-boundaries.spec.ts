import { readdirSync, readFileSync } from "fs"
import { join } from "path"

/**
 * Each module owns only its own tables (issues 14 and 16, module boundaries):
 * what a flow needs from Medusa's orders and customers or from another
 * loyalty module is read by a workflow step (`query.graph`, or the Postgres
 * connection for set-based analytics) and handed to the module as plain
 * data. This reads every module's source and fails when any of its SQL names
 * a table that is not the module's own.
 */
const ROOT = join(__dirname, "..", "..", "src", "modules")
const MODULES = readdirSync(ROOT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)

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

/** Medusa's tables the plugin reads elsewhere (orders, carts, customers, groups, promotions, store). */
const MEDUSA_TABLES = [
  "cart",
  "cart_line_item",
  "cart_credit_line",
  "promotion",
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
 * JOIN, INTO, UPDATE, TABLE (not a function such as unnest(…) nor a column
 * such as prev.x), `knex("table")`, or the table a settings save locks
 * (`lockForSave`, `saveSettings` or `saveNextVersion(ctx, "table", …)`); comments are left out;
 * names the same source defines as CTEs (`name AS (`) are not tables.
 */
function referencedTables(source: string): string[] {
  // Comments are prose ("one UPDATE … FROM unnest per batch"), not SQL.
  const text = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")
  const ctes = new Set([...text.matchAll(/\b([a-z_][a-z0-9_]*)\s+AS\s+(?:MATERIALIZED\s+)?\(/g)].map((m) => m[1]))
  const sql = [...text.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+"?([a-z_][a-z0-9_]*)\b"?(?!\s*[(.])/g)].map((m) => m[1])
  const knexCalls = [...text.matchAll(/(?:knex|knex_\([^)]*\)|knexOf\([^)]*\)|trx|\.(?:join|leftJoin|innerJoin|from))\(\s*["'`]([a-z_][a-z0-9_]*)/g)].map((m) => m[1])
  const locked = [
    ...text.matchAll(/(?:lockForSave|saveSettings|saveNextVersion)(?:<[^>(]*>)?\([^,]*,\s*["'`]([a-z_][a-z0-9_]*)/g),
  ].map((m) => m[1])
  return [...new Set([...sql, ...knexCalls, ...locked])].filter((name) => !ctes.has(name))
}

/** The tables a module defines, and every table it must not name: Medusa's and the other modules'. */
function tablesOf(name: string) {
  return {
    own: definedTables(join(ROOT, name)),
    foreign: [...MEDUSA_TABLES, ...MODULES.filter((other) => other !== name).flatMap((other) => definedTables(join(ROOT, other)))],
  }
}

describe("module boundaries (issues 14 and 16)", () => {
  it("knows the modules' own tables and the other modules' (the check below has something to check)", () => {
    expect(MODULES.sort()).toEqual(["loyalty-campaigns", "loyalty-insights", "loyalty-points", "loyalty-referrals", "loyalty-tiers"])
    const { own, foreign } = tablesOf("loyalty-insights")
    expect(own).toEqual(
      expect.arrayContaining(["loyalty_customer_insight", "loyalty_insight_run", "loyalty_kpi_snapshot", "loyalty_feedback"])
    )
    expect(foreign).toEqual(expect.arrayContaining(["loyalty_entry", "loyalty_account", "loyalty_referral", "order", "customer"]))
    expect(tablesOf("loyalty-points").foreign).toEqual(expect.arrayContaining(["loyalty_tier", "loyalty_referral", "cart"]))
  })

  it("finds a foreign table in SQL the way the modules' code writes it", () => {
    const sample = `const rows = await knex.raw(\`WITH facts AS (SELECT 1) SELECT * FROM "order" o
      JOIN order_summary s ON s.order_id = o.id JOIN customer c ON c.id = o.customer_id
      LEFT JOIN facts f ON true CROSS JOIN unnest(?::text[]) AS u(id)\`)
      await knex("loyalty_entry").where({})
      await knexOf(sharedContext)("loyalty_tier").where({})
      await trx.raw("LOCK TABLE loyalty_lot IN SHARE ROW EXCLUSIVE MODE")
      await lockForSave(sharedContext, "cart", WRITES)
      q.join("customer_group_customer as g", "g.customer_id", "i.customer_id")`
    expect(referencedTables(sample).sort()).toEqual([
      "cart",
      "customer",
      "customer_group_customer",
      "loyalty_entry",
      "loyalty_lot",
      "loyalty_tier",
      "order",
      "order_summary",
    ])
  })

  it("finds the table a settings save locks (saveSettings, saveNextVersion, typed or not)", () => {
    const sample = `await saveSettings<TierSettings>(sharedContext, "loyalty_tier_settings", WRITES, {})
      return await saveNextVersion<ProgramRules>(sharedContext, "loyalty_program_version", WRITES, changes, {})
      await saveNextVersion(ctx, 'promotion', WRITES, changes, {})`
    expect(referencedTables(sample).sort()).toEqual(["loyalty_program_version", "loyalty_tier_settings", "promotion"])
  })

  it.each(MODULES.map((name) => [name.replace("loyalty-", "")]))(
    "the %s module's SQL names none of Medusa's or the other loyalty modules' tables, only its own",
    (short) => {
      const name = `loyalty-${short}`
      const { own, foreign } = tablesOf(name)
      const found: string[] = []
      for (const { file, text } of sources(join(ROOT, name))) {
        for (const table of referencedTables(text)) {
          if (!own.includes(table)) found.push(`${file.slice(ROOT.length + 1)}: ${table}${foreign.includes(table) ? " (another module's)" : ""}`)
        }
      }
      expect(found).toEqual([])
    }
  )
})
