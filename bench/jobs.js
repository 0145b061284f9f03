#!/usr/bin/env node
/**
 * npm run bench:jobs [-- --rows 10000,100000 --jobs release,catch-up,expire,tiers,referrals --database loyalty_bench_jobs --explain
 *                       --notifications off --placed-within 50]
 * (`--explain-only`: write the rows and print the due reads' plans, without running the jobs;
 * `--notifications off`: every kind of member message switched off as staff would in the admin, so the
 * run measures the job and not the Notification Module's work for each message its events call for;
 * `--placed-within N`: the catch-up's orders placed over the last N days, 50 by default; under 14, no caught-up
 * order's return window has ended, so the pass is the catch-up alone, without the release that follows it)
 *
 * Issue 15's job benchmark. For each row count and each scheduled job:
 * 1. a database copied from a template migrated once with `medusa db:migrate` (DB_* / DATABASE_URL when
 *    set, else embedded Postgres: scripts/lib/database.js);
 * 2. `rows` rows due for that job, written with bulk SQL (bench/lib/generate-due.js, orders from
 *    bench/lib/generate-orders.js), then ANALYZE;
 * 3. with `--explain`, the plan of the job's first due read (EXPLAIN ANALYZE, printed);
 * 4. `medusa exec bench/jobs-run.ts`: the job's own function (src/jobs/*) over them, through the plugin's
 *    workflows, timed, with the peak RSS of that process;
 * 5. a check that the job worked every due row (what is still due afterwards must be nothing).
 * Prints per job: rows, time (until the job returns, and until the subscribers its events started in
 * the process are done: bench/lib/subscribers.ts), rows/s, peak RSS, and the table for docs/benchmarks.md.
 */
const fs = require("fs")
const os = require("os")
const path = require("path")
const { Client } = require("pg")
const { databaseUrl, ensureDatabase } = require("../scripts/lib/database")
const { generateDue, JOBS } = require("./lib/generate-due")
const { run, ROOT } = require("./lib/run")
const { fmt } = require("./lib/stats")

/** The member messages' kinds (src/lib/care/rules.ts NOTIFICATION_KINDS), for `--notifications off`. */
const NOTIFICATION_KINDS = [
  "points-earned", "points-released", "points-expiring", "points-reversed", "tier-changed", "tier-expiring",
  "referral-rewarded", "coupon-issued", "action-completed", "birthday-bonus",
]

function args() {
  const out = { rows: [10_000, 100_000], jobs: JOBS, database: "loyalty_bench_jobs", explain: false, run: true, notifications: true, placedWithin: 50 }
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].split("=")
    if (key === "--explain" || key === "--explain-only") {
      out.explain = true
      out.run = key === "--explain"
      continue
    }
    const value = inline ?? argv[++i]
    if (key === "--rows") out.rows = value.split(",").map((v) => Number(v.replace(/_/g, "")))
    else if (key === "--jobs") out.jobs = value.split(",")
    else if (key === "--database") out.database = value
    else if (key === "--notifications") out.notifications = value !== "off"
    else if (key === "--placed-within") out.placedWithin = Number(value)
    else throw new Error(`unknown option ${key}`)
  }
  if (!(out.placedWithin > 0 && out.placedWithin <= 59)) throw new Error("--placed-within takes days from 1 to 59 (the catch-up looks back 60)")
  for (const job of out.jobs) if (!JOBS.includes(job)) throw new Error(`unknown job ${job} (one of ${JOBS.join(", ")})`)
  return out
}

/** What is still due for each job after it ran (0 when it worked every row), and the due read to EXPLAIN. */
const CHECKS = {
  release: {
    left: `SELECT count(*)::int AS n FROM loyalty_entry p WHERE p.type = 'pending'
             AND NOT EXISTS (SELECT 1 FROM loyalty_entry r WHERE r.type = 'release' AND r.order_id = p.order_id)`,
    explain: `SELECT order_id, account_id, release_at::text AS cursor_at, id FROM loyalty_entry
               WHERE type = 'pending' AND points > 0 AND release_at <= now() AND voided_at IS NULL AND deleted_at IS NULL
                 AND release_at >= now() - interval '30 days' AND (release_at, id) > (now() - interval '30 days', '')
               ORDER BY release_at, id LIMIT 500`,
  },
  "catch-up": {
    left: `SELECT count(*)::int AS n FROM "order" o JOIN customer c ON c.id = o.customer_id AND c.has_account
            WHERE o.created_at >= now() - interval '60 days'
              AND NOT EXISTS (SELECT 1 FROM loyalty_entry e WHERE e.idempotency_key = 'earn:order:' || o.id AND e.voided_at IS NULL)`,
    // The catch-up's due read: a page of members' orders of the window (memberOrdersOfWindow in
    // src/workflows/points/steps/award-missed-orders.ts); which of them earned is the points module's read after it.
    explain: `SELECT o.id FROM "order" o JOIN customer c ON c.id = o.customer_id AND c.has_account AND c.deleted_at IS NULL
               WHERE o.id > 'order_' AND o.created_at >= now() - interval '60 days' AND o.created_at <= now()
                 AND o.status <> 'draft' AND o.deleted_at IS NULL
               ORDER BY o.id LIMIT 500`,
  },
  expire: {
    left: `SELECT count(*)::int AS n FROM loyalty_lot WHERE remaining > 0 AND expires_at <= now()`,
    explain: `SELECT expires_at::text AS cursor_at, id FROM loyalty_lot WHERE remaining > 0 AND expires_at <= now() AND deleted_at IS NULL
               AND expires_at >= now() - interval '30 days' AND (expires_at, id) > (now() - interval '30 days', '')
               ORDER BY expires_at, id LIMIT 500`,
  },
  tiers: {
    left: `SELECT count(*)::int AS n FROM loyalty_tier_membership WHERE qualified_until <= now() - interval '14 days' AND deleted_at IS NULL`,
    explain: `SELECT qualified_until::text AS cursor_at, customer_id FROM loyalty_tier_membership
               WHERE qualified_until <= now() - interval '14 days' AND deleted_at IS NULL
                 AND qualified_until >= now() - interval '90 days' AND (qualified_until, customer_id) > (now() - interval '90 days', '')
               ORDER BY qualified_until, customer_id LIMIT 500`,
  },
  referrals: {
    left: `SELECT count(*)::int AS n FROM loyalty_referral WHERE status = 'rewarded' AND rewards_posted_at IS NULL`,
    explain: `SELECT rewarded_at::text AS cursor_at, id FROM loyalty_referral
               WHERE status = 'rewarded' AND rewards_posted_at IS NULL AND rewarded_at < now() - interval '10 minutes' AND deleted_at IS NULL
                 AND rewarded_at >= now() - interval '30 days' AND (rewarded_at, id) > (now() - interval '30 days', '')
               ORDER BY rewarded_at, id LIMIT 200`,
  },
}

async function main() {
  const options = args()
  const log = (message) => process.stderr.write(`[bench:jobs] ${message}\n`)
  const template = `${options.database}_template`
  const { env, stop } = await ensureDatabase({ dir: path.join(ROOT, ".cache"), name: "pg-bench-jobs", database: template, recreate: true, log })
  const results = []
  try {
    let started = Date.now()
    await run("medusa", ["db:migrate"], { ...env, DATABASE_URL: databaseUrl(env, template) })
    log(`migrated the template in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    for (const rows of options.rows) {
      for (const job of options.jobs) {
        const database = `${options.database}_run`
        const admin = new Client({ connectionString: databaseUrl(env, "postgres") })
        await admin.connect()
        await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(database)} WITH (FORCE)`)
        await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)} TEMPLATE ${admin.escapeIdentifier(template)}`)
        await admin.end()
        const url = databaseUrl(env, database)
        const client = new Client({ connectionString: url })
        await client.connect()
        const query = async (sql) => (await client.query(sql)).rows
        started = Date.now()
        const due = await generateDue(query, { job, rows, now: new Date(), placedWithinDays: options.placedWithin })
        if (!options.notifications) {
          // As staff switch them off in Settings → Loyalty (one row per kind; src/lib/care/rules.ts NOTIFICATION_KINDS).
          await query(
            `INSERT INTO loyalty_notification_setting (id, kind, enabled)
             SELECT 'lnset_bench_' || kind, kind, false FROM unnest(ARRAY[${NOTIFICATION_KINDS.map((k) => `'${k}'`).join(", ")}]) AS kind`
          )
        }
        await query("ANALYZE")
        log(`${job}: wrote ${due.toLocaleString("en-US")} due rows in ${((Date.now() - started) / 1000).toFixed(1)} s`)
        if (options.explain) {
          const plan = await query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${CHECKS[job].explain}`)
          process.stdout.write(`\n${job}, ${due} due rows: the first due read\n${plan.map((row) => `  ${row["QUERY PLAN"]}`).join("\n")}\n`)
        }
        if (!options.run) {
          await client.end()
          continue
        }
        const resultFile = path.join(os.tmpdir(), `bench-jobs-${process.pid}.json`)
        await run("medusa", ["exec", "./bench/jobs-run.ts"], { ...env, DATABASE_URL: url, BENCH_JOB: job, BENCH_RESULT: resultFile })
        const r = JSON.parse(fs.readFileSync(resultFile, "utf8"))
        fs.rmSync(resultFile, { force: true })
        const [{ n: left }] = await query(CHECKS[job].left)
        await client.end()
        const line = {
          job, rows: due, notifications: options.notifications, seconds: r.seconds, drained_seconds: r.drained_seconds, subscriber_calls: r.subscriber_calls,
          per_second: due / r.seconds, peak_rss_mb: r.peak_rss_mb, rss_before_mb: r.rss_before_mb, left,
        }
        results.push(line)
        log(`${job}: ${JSON.stringify(line)}`)
        if (left > 0) log(`${job}: ${left} rows still due after the run`)
      }
    }
  } finally {
    await stop()
  }
  const table = [
    "| job | notifications | due rows | time | rows/s | ms per row | subscribers done after | peak RSS (before the run) | still due after |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ...results.map(
      (r) =>
        `| ${r.job} | ${r.notifications ? "on" : "off"} | ${r.rows.toLocaleString("en-US")} | ${fmt(r.seconds)} s | ${fmt(r.per_second)} | ${((r.seconds * 1000) / r.rows).toFixed(2)} | ` +
        `${fmt(r.drained_seconds)} s (${r.subscriber_calls.toLocaleString("en-US")} calls) | ${r.peak_rss_mb.toFixed(0)} MB (${r.rss_before_mb.toFixed(0)} MB) | ${r.left} |`
    ),
  ].join("\n")
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, load ${os.loadavg()[0].toFixed(1)}, ${new Date().toISOString().slice(0, 10)}`
  if (results.length) process.stdout.write(`\n${table}\n\n${machine}\n`)
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`)
  process.exit(1)
})
