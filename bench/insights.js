#!/usr/bin/env node
/**
 * npm run bench:insights [-- --customers 100000 --orders-per-customer 10 --out docs/bench-insights.md --database loyalty_bench --reuse]
 *
 * 1. A fresh database (DB_* / DATABASE_URL when set, else embedded Postgres), migrated with `medusa db:migrate`.
 * 2. A synthetic store written with bulk SQL into Medusa's own order tables (bench/lib/generate-orders.js):
 *    100k customers / ~1M orders by default; `--customers 1000000` for 1M / ~10M (tens of GB of disk).
 * 3. `medusa exec bench/recompute.ts`: a hand-written single-query RFM baseline, then the plugin's full
 *    recompute (RFM, model fit, scoring, value ranks, segment history, KPIs, group sync), timed on the same data,
 *    with the peak memory of that process.
 * Prints a Markdown report (and writes it to --out). `--reuse` keeps the store of an earlier run (same --database,
 * on a DB server that keeps it) and times only step 3.
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
  const out = { customers: 100_000, ordersPerCustomer: 10, out: null, database: "loyalty_bench", reuse: false }
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
    else if (key === "--out") out.out = value
    // Another name lets two benches share one Postgres server without dropping each other's database.
    else if (key === "--database") out.database = value
    else throw new Error(`unknown option ${key}`)
  }
  return out
}

const seconds = (from) => (Date.now() - from) / 1000

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
    let migrateSeconds = 0
    let generateSeconds = 0
    let counts
    if (options.reuse) {
      await run("medusa", ["db:migrate"], env)
      const { rows } = await client.query(`SELECT (SELECT count(*) FROM customer)::int AS customers, (SELECT count(*) FROM "order")::int AS orders`)
      counts = rows[0]
      // The earlier runs go, so the timed run is a first run, as on a fresh store.
      await client.query("TRUNCATE loyalty_customer_insight, loyalty_customer_fact, loyalty_customer_score, loyalty_segment_change, loyalty_kpi_snapshot, loyalty_insight_run")
      log(`reusing ${counts.customers} customers / ${counts.orders} orders`)
    } else {
      let started = Date.now()
      await run("medusa", ["db:migrate"], env)
      migrateSeconds = seconds(started)
      log(`migrated in ${migrateSeconds.toFixed(1)} s`)
      started = Date.now()
      counts = await generateOrders(async (sql) => (await client.query(sql)).rows, {
        customers: options.customers,
        ordersPerCustomer: options.ordersPerCustomer,
        now,
      })
      generateSeconds = seconds(started)
    }
    const { rows: size } = await client.query("SELECT pg_size_pretty(pg_database_size(current_database())) AS size")
    await client.end()
    log(`${options.reuse ? "reused" : "generated"} ${counts.customers} customers / ${counts.orders} orders in ${generateSeconds.toFixed(1)} s (${size[0].size})`)

    const resultFile = path.join(os.tmpdir(), `bench-insights-${process.pid}.json`)
    await run("medusa", ["exec", "./bench/recompute.ts"], { ...env, BENCH_NOW: now.toISOString(), BENCH_RESULT: resultFile })
    const r = JSON.parse(fs.readFileSync(resultFile, "utf8"))
    fs.rmSync(resultFile, { force: true })

    const report = [
      `# Insights recompute benchmark`,
      ``,
      `\`npm run bench:insights -- --customers ${options.customers}\` on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "cpu"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(" / ")} (the machine is shared: timings vary with it, the ratio less so, as both sides run on the same database at the same time).`,
      ``,
      `| | |`,
      `|---|---|`,
      `| store | ${counts.customers.toLocaleString("en-US")} customers, ${counts.orders.toLocaleString("en-US")} orders (bulk SQL into \`order\`, \`order_item\`, \`order_line_item\`, \`order_summary\`, \`customer\`), database ${size[0].size} |`,
      options.reuse ? `| generate | reused the store of an earlier run |` : `| generate | ${generateSeconds.toFixed(1)} s (migrate ${migrateSeconds.toFixed(1)} s) |`,
      `| single-query RFM baseline | **${r.baseline_seconds.toFixed(2)} s** (${r.baseline_rows.toLocaleString("en-US")} customers: recency, frequency, monetary and ntile(5) scores in one CREATE TABLE AS) |`,
      `| plugin recompute | **${r.recompute_seconds.toFixed(2)} s** (run ${r.run?.status}, model ${r.run?.model}${r.run?.model_reason ? `: ${r.run.model_reason}` : ""}) |`,
      `| ratio recompute / baseline | **${r.ratio.toFixed(1)} ×** |`,
      `| memory of the recompute process | ${r.rss_before_mb.toFixed(0)} MB RSS before, peak ${r.peak_rss_mb.toFixed(0)} MB during (process max ${r.max_rss_process_mb.toFixed(0)} MB, including Medusa's boot) |`,
      ``,
      `The recompute does far more than the baseline: the same aggregation plus day-level purchase history, per-currency sums,`,
      `feedback and ledger joins (one statement, run as \`COPY (…) TO STDOUT\` with Postgres's parallel workers and piped into the module's \`COPY … FROM STDIN\`), a BG/NBD and Gamma-Gamma fit on a deterministic sample of at most`,
      `20,000 customers, per-customer R/F/M scores, P(alive), expected purchases (₂F₁ series) and discounted CLV in one pass (batches of 5,000`,
      `into an unlogged scratch table while the next is scored, the facts in another), one INSERT of the run's rows with the value ranks and bands and, at the same time, one of the segment-change history, monthly and 30-day KPIs (one pass over the orders, beside the scoring) and group sync.`,
      ``,
      `Fitted parameters (weeks): \`${JSON.stringify(r.run?.params?.bgnbd ?? null)}\`, Gamma-Gamma \`${JSON.stringify(r.run?.params?.gamma_gamma ?? null)}\`.`,
      ``,
      `Recompute stages (ms): ${Object.entries(r.run?.timings ?? {}).map(([k, v]) => `${k.replace(/_ms$/, "")} ${v}`).join(", ")}.`,
      ``,
      `Segments: ${Object.entries(r.run?.segments ?? {}).map(([k, v]) => `${k} ${v}`).join(", ")}.`,
      ``,
    ].join("\n")
    process.stdout.write(report)
    if (options.out) {
      fs.mkdirSync(path.dirname(path.resolve(ROOT, options.out)), { recursive: true })
      fs.writeFileSync(path.resolve(ROOT, options.out), report)
      log(`wrote ${options.out}`)
    }
  } finally {
    await stop()
  }
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`)
  process.exit(1)
})
