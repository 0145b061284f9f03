#!/usr/bin/env node
/**
 * node bench/import.js [--rows 100000] [--database loyalty_bench_import] [--out <file.md>]
 *
 * The member import on a large file, as a merchant runs it from the command line:
 * 1. A fresh database (DB_* / DATABASE_URL when set, else embedded Postgres), migrated with `medusa db:migrate`,
 *    with `--rows` member customers written by bulk SQL into Medusa's `customer` table.
 * 2. A generated generic CSV of `--rows` rows: email,points,tier,expires_at,birthday, where 1 % of the
 *    emails are no customer's, 0.5 % of the rows are bad (points "12.5", a past expiry), every 10th
 *    member has a second row (a second lot) and every 3rd row a birthday.
 * 3. `medusa exec ./src/scripts/import-members.ts <file> dry-run`, then the import, then the same import
 *    again (which must credit nothing), each its own process: time, peak RSS while importing (sampled every
 *    50 ms) and the process's max RSS including Medusa's boot.
 * Prints a Markdown report (and writes it to --out).
 */
const fs = require("fs")
const os = require("os")
const path = require("path")
const { run } = require("./lib/run")
const { Client } = require("pg")
const { ensureDatabase } = require("../scripts/lib/database")

const ROOT = path.resolve(__dirname, "..")

function args() {
  const out = { rows: 100_000, database: "loyalty_bench_import", out: null }
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].split("=")
    const value = inline ?? argv[++i]
    if (key === "--rows") out.rows = Number(value)
    else if (key === "--database") out.database = value
    else if (key === "--out") out.out = value
    else throw new Error(`unknown option ${key}`)
  }
  return out
}

/** The CSV, written line by line; returns what it holds. */
async function writeFile(file, members) {
  const stream = fs.createWriteStream(file)
  const write = (line) => (stream.write(line) ? Promise.resolve() : new Promise((r) => stream.once("drain", r)))
  await write("email,points,tier,expires_at,birthday\n")
  const counts = { rows: 0, unknown: 0, bad: 0, good: 0, points: 0 }
  for (let i = 1; i <= members; i++) {
    const rows = i % 10 === 0 ? 2 : 1
    for (let r = 0; r < rows; r++) {
      counts.rows += 1
      if (i % 200 === 0 && r === 0) {
        counts.bad += 1
        await write(i % 400 === 0 ? `member${i}@bench.test,12.5,,,\n` : `member${i}@bench.test,10,,2020-01-01,\n`)
        continue
      }
      const unknown = i % 100 === 0
      const email = unknown ? `stranger${i}@bench.test` : `member${i}@bench.test`
      const points = 50 + ((i * 37 + r * 11) % 2000)
      const expiry = r === 1 ? `${2028 + (i % 3)}-0${1 + (i % 9)}-15` : ""
      const birthday = i % 3 === 0 && r === 0 ? `1990-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}` : ""
      await write(`${email},${points},,${expiry},${birthday}\n`)
      if (unknown) counts.unknown += 1
      else {
        counts.good += 1
        counts.points += points
      }
    }
  }
  await new Promise((resolve) => stream.end(resolve))
  return { ...counts, bytes: fs.statSync(file).size }
}

async function main() {
  const options = args()
  const log = (message) => process.stderr.write(`[bench] ${message}\n`)
  const { env, stop } = await ensureDatabase({
    dir: path.join(ROOT, ".cache"),
    name: "pg-bench-import",
    database: options.database,
    recreate: true,
    log,
  })
  const file = path.join(os.tmpdir(), `bench-import-${process.pid}.csv`)
  try {
    let started = Date.now()
    await run("medusa", ["db:migrate"], env)
    log(`migrated in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    const client = new Client({ connectionString: env.DATABASE_URL })
    await client.connect()
    await client.query(
      `INSERT INTO customer (id, email, first_name, last_name, has_account)
       SELECT 'cus_bench_' || g, 'member' || g || '@bench.test', 'Member', 'Number ' || g, true
         FROM generate_series(1, $1::int) g`,
      [options.rows]
    )
    const expected = await writeFile(file, options.rows)
    log(`${options.rows} members; file of ${expected.rows} rows, ${(expected.bytes / 2 ** 20).toFixed(1)} MiB`)

    const runs = {}
    for (const [name, flags] of [["dry run", ["dry-run"]], ["import", []], ["re-import", []]]) {
      const result = path.join(os.tmpdir(), `bench-import-${process.pid}-${name.replace(/\W/g, "")}.json`)
      started = Date.now()
      await run("medusa", ["exec", "./src/scripts/import-members.ts", file, ...flags], { ...env, IMPORT_REPORT_FILE: result })
      runs[name] = { ...JSON.parse(fs.readFileSync(result, "utf8")), wall_seconds: (Date.now() - started) / 1000 }
      fs.rmSync(result, { force: true })
      const r = runs[name].run
      log(`${name}: ${runs[name].seconds.toFixed(1)} s, ${r.rows_imported} imported, ${r.rows_already} already, peak ${runs[name].peak_rss_mb.toFixed(0)} MB`)
    }
    const { rows: ledger } = await client.query(
      `SELECT (SELECT count(*) FROM loyalty_entry WHERE reason = 'import')::int AS entries,
              (SELECT count(*) FROM loyalty_lot l JOIN loyalty_entry e ON e.id = l.entry_id WHERE e.reason = 'import')::int AS lots,
              (SELECT coalesce(sum(points), 0) FROM loyalty_entry WHERE reason = 'import')::bigint AS points,
              (SELECT coalesce(sum(balance), 0) FROM loyalty_account)::bigint AS balances,
              (SELECT coalesce(sum(remaining), 0) FROM loyalty_lot)::bigint AS lots_remaining`
    )
    await client.end()
    const l = ledger[0]
    const problems = []
    const [dry, imp, again] = [runs["dry run"].run, runs["import"].run, runs["re-import"].run]
    if (dry.points !== expected.points || imp.points !== expected.points) problems.push(`points ${dry.points}/${imp.points}, expected ${expected.points}`)
    if (imp.rows_imported !== expected.good || l.entries !== expected.good || l.lots !== expected.good) problems.push("entries or lots ≠ good rows")
    if (again.rows_imported !== 0 || again.points !== 0 || again.rows_already !== expected.good) problems.push("the re-import wrote something")
    if (Number(l.balances) !== expected.points || Number(l.lots_remaining) !== expected.points) problems.push("balances ≠ points imported")
    if (dry.rows_bad !== expected.bad || dry.rows_unknown !== expected.unknown) problems.push("bad or unknown counts differ")

    const mb = (x) => x.toFixed(0)
    const row = (name) => {
      const r = runs[name]
      return `| ${name} | ${r.seconds.toFixed(1)} s (${Math.round(expected.rows / r.seconds).toLocaleString("en-US")} rows/s) | ${r.run.rows_imported.toLocaleString("en-US")} | ${r.run.rows_already.toLocaleString("en-US")} | ${r.run.points.toLocaleString("en-US")} | ${mb(r.rss_before_mb)} MB | ${mb(r.peak_rss_mb)} MB | ${mb(r.max_rss_process_mb)} MB |`
    }
    const report = [
      `### Member import: ${expected.rows.toLocaleString("en-US")} rows`,
      ``,
      `\`node bench/import.js --rows ${options.rows}\` on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "cpu"}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(" / ")} (shared machine).`,
      `A generic CSV of ${expected.rows.toLocaleString("en-US")} rows (${(expected.bytes / 2 ** 20).toFixed(1)} MiB) for ${options.rows.toLocaleString("en-US")} members: ${expected.good.toLocaleString("en-US")} good rows, ${expected.unknown} unknown emails, ${expected.bad} bad rows, every 10th member with a second row (lot), every 3rd with a birthday. Each run is \`medusa exec ./src/scripts/import-members.ts\` in its own process (batches of 250 rows, one workflow each).`,
      ``,
      `| run | time (boot excluded) | rows credited | rows already imported | points | RSS before (booted) | peak RSS while importing | process max RSS |`,
      `|---|---|---|---|---|---|---|---|`,
      row("dry run"),
      row("import"),
      row("re-import"),
      ``,
      `Dry-run report: ${dry.rows_matched.toLocaleString("en-US")} members matched, ${dry.rows_unknown} unknown emails, ${dry.rows_bad} bad rows (first: line ${dry.bad_rows?.[0]?.line}, "${dry.bad_rows?.[0]?.reason}"), ${dry.points.toLocaleString("en-US")} points worth ${Object.entries(dry.value ?? {}).map(([c, v]) => `${v} ${c.toUpperCase()}`).join(", ") || "(no point value set)"}, ${dry.birthdays_set.toLocaleString("en-US")} birthdays.`,
      `Ledger after both imports: ${l.entries.toLocaleString("en-US")} entries with reason import, ${l.lots.toLocaleString("en-US")} lots, ${Number(l.points).toLocaleString("en-US")} points; accounts' balances ${Number(l.balances).toLocaleString("en-US")} = open lots ${Number(l.lots_remaining).toLocaleString("en-US")}. ${problems.length ? `**Checks failed: ${problems.join("; ")}**` : "Every check holds (figures as generated, the re-import credited nothing)."}`,
      ``,
    ].join("\n")
    process.stdout.write(report)
    if (options.out) fs.writeFileSync(path.resolve(ROOT, options.out), report)
    if (problems.length) process.exitCode = 1
  } finally {
    fs.rmSync(file, { force: true })
    await stop()
  }
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`)
  process.exit(1)
})
