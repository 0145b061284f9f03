#!/usr/bin/env node
/**
 * npm run bench:what-if [-- --customers 100000 --orders-per-customer 10 --database loyalty_bench_whatif --reuse]
 *
 * 1. A fresh database (DB_* / DATABASE_URL when set, else embedded Postgres), migrated with `medusa db:migrate`.
 * 2. A synthetic store written with bulk SQL straight into the tables the replay reads (bench/lib/generate-orders.js:
 *    `customer`, `order`, `order_item`, `order_line_item`, `order_summary`): 100k customers / ~1M orders by default.
 * 3. `medusa exec bench/what-if-run.ts`: the what-if workflow over the last 12 months (earn rate doubled; then new tier
 *    thresholds, which simulate tiers from two years of orders), timed, with the peak RSS of that process.
 * Prints time and peak RSS, and the line for docs/benchmarks.md.
 */
const fs = require("fs")
const os = require("os")
const path = require("path")
const { run } = require("./lib/run")
const { Client } = require("pg")
const { ensureDatabase } = require("../scripts/lib/database")
const { generateOrders } = require("./lib/generate-orders")

const ROOT = path.resolve(__dirname, "..")

function args() {
  const out = { customers: 100_000, ordersPerCustomer: 10, database: "loyalty_bench_whatif", reuse: false }
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].split("=")
    if (key === "--reuse") {
      out.reuse = true
      continue
    }
    const value = inline ?? argv[++i]
    if (key === "--customers") out.customers = Number(value)
    else if (key === "--orders-per-customer") out.ordersPerCustomer = Number(value)
    else if (key === "--database") out.database = value
    else throw new Error(`unknown option ${key}`)
  }
  return out
}

async function main() {
  const options = args()
  const log = (message) => process.stderr.write(`[bench] ${message}\n`)
  const { env, stop } = await ensureDatabase({
    dir: path.join(ROOT, ".cache"),
    name: "pg-bench",
    database: options.database,
    recreate: !options.reuse,
    log,
  })
  try {
    const now = new Date(Date.UTC(2030, 5, 15, 12))
    const client = new Client({ connectionString: env.DATABASE_URL })
    await client.connect()
    let counts
    if (options.reuse) {
      await run("medusa", ["db:migrate"], env)
      const { rows } = await client.query(`SELECT (SELECT count(*) FROM customer)::int AS customers, (SELECT count(*) FROM "order")::int AS orders`)
      counts = rows[0]
    } else {
      let started = Date.now()
      await run("medusa", ["db:migrate"], env)
      log(`migrated in ${((Date.now() - started) / 1000).toFixed(1)} s`)
      started = Date.now()
      counts = await generateOrders(async (sql) => (await client.query(sql)).rows, {
        customers: options.customers,
        ordersPerCustomer: options.ordersPerCustomer,
        now,
      })
      await client.query(`ANALYZE order_item; ANALYZE order_line_item`)
      log(`generated ${counts.customers} customers / ${counts.orders} orders in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    }
    const { rows: inPeriod } = await client.query(
      `SELECT count(*)::int AS n FROM "order" WHERE created_at >= $1::timestamptz - interval '12 months' AND created_at < $1`,
      [now.toISOString()]
    )
    await client.end()

    const resultFile = path.join(os.tmpdir(), `bench-what-if-${process.pid}.json`)
    await run("medusa", ["exec", "./bench/what-if-run.ts"], { ...env, BENCH_NOW: now.toISOString(), BENCH_RESULT: resultFile })
    const r = JSON.parse(fs.readFileSync(resultFile, "utf8"))
    fs.rmSync(resultFile, { force: true })
    const line =
      `| what-if replay (issue 20) | ${counts.customers.toLocaleString("en-US")} customers / ${counts.orders.toLocaleString("en-US")} orders ` +
      `(${inPeriod[0].n.toLocaleString("en-US")} in the 12 months replayed) | earn rate ×2: **${r.rate.seconds.toFixed(2)} s**; ` +
      `new tier thresholds (tiers simulated over 2 years of orders): **${r.tiers.seconds.toFixed(2)} s** | peak RSS ${r.peak_rss_mb.toFixed(0)} MB ` +
      `(${r.rss_before_mb.toFixed(0)} MB before, Medusa booted) | ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, ${new Date().toISOString().slice(0, 10)} |`
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n\n${line}\n`)
  } finally {
    await stop()
  }
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`)
  process.exit(1)
})
