#!/usr/bin/env node
/**
 * npm run bench [-- --rounds 2 --sequential 24 --shoppers 8 --per-shopper 3 --entries 100000 --instructions 5
 *                   --instruction-warmup 10 --profile --out docs/benchmarks.md]
 *
 * What the plugin costs a store, measured against the same store without it (issue 15):
 *
 * 1. `npm run build` (skipped when .medusa/server is newer than src/) and `npm pack`; two store apps in
 *    bench/.store/: `plain` (Medusa 2.21.2 as it comes) and `plugin` (the same, plus the plugin unpacked from
 *    its tarball), both made the way `npm run demo` makes its store (demo/lib/store-app.js), from one
 *    medusa-config (bench/template/) that differs only in the plugin.
 * 2. Two databases on one Postgres server (DB_* / DATABASE_URL when set, else an embedded one:
 *    scripts/lib/database.js), migrated and seeded by the same script (bench/seed.ts), then `medusa start` of
 *    each on a loopback port, and the same shoppers registered in both (plugin store: given points).
 * 3. Rounds that alternate the two stores phase by phase (the order flips every round): logged-in checkouts
 *    earning only, with a Medusa promotion code, and (plugin) with 500 points applied; each sequentially and
 *    with `--shoppers` concurrent shoppers. Per phase: latency of every step and of the whole checkout, server
 *    CPU (utime + stime from /proc, after the order events' work: the plugin's award written and the process
 *    quiet), Postgres transactions and rows written (pg_stat_database, read once the backends have flushed
 *    their counters), the Postgres server's CPU (its processes from /proc, when it runs on this machine),
 *    server RSS, and which requests a major garbage collection landed in (the store app's
 *    `GET /bench/collections`). Each round's completion p95 ratio and a bootstrap interval of the pooled
 *    one; use an even `--rounds`, so that each store runs first as often as the other.
 * 4. Plugin store: `GET /store/loyalty/account` and its entries with 10 vs `--entries` ledger entries, the
 *    award subscriber's throughput (bench/award-throughput.ts), and the ledger's invariants (no overdraft, one
 *    award per order).
 * 5. Instructions per earning checkout (`--instructions N`, 0 to skip): both stores again under valgrind's
 *    callgrind, N checkouts each counted alone after `--instruction-warmup` uncounted ones, a full collection
 *    and AFTER_COLLECTION_WARM more, request by request;
 *    unlike CPU time, the count does not move with the machine's other work, so it resolves a difference of a
 *    few percent. `--instructions-only`: steps 1, 2 and this count alone (about 15 minutes), printed;
 *    with `--without subscribers,jobs,api` (any of them) the plugin store loads only the rest of the plugin,
 *    to tell which part a difference comes from.
 * 6. `--profile`: both stores again under `--cpu-prof` (`profileStores`): the plugin store's profile summarised
 *    (where the CPU goes, the plugin's own functions first), and the two compared over the same earning
 *    checkouts (which functions, Medusa's included, take more self time in the plugin store).
 *    `--profile-only`: steps 1, 2 and this alone (about 9 minutes on 2 cores), printed.
 *
 * `--phases earn:concurrent,points:concurrent`: steps 1–3 with only those phase kinds (for `points`, the
 * plain store's `promo` phase of the same shape is its counterpart and runs too), their tables printed.
 *
 * Loopback only; every loop is bounded in requests and time; what it starts it stops by process id.
 * Prints a Markdown report and writes it to --out.
 */
"use strict"

const { spawn, spawnSync } = require("child_process")
const fs = require("fs")
const http = require("http")
const os = require("os")
const path = require("path")
const { Client } = require("pg")

const { ensureDatabase, createDatabase, databaseUrl, freePort } = require("../scripts/lib/database")
const {
  ROOT,
  PLUGIN_NAME,
  buildIsFresh,
  createRunner,
  installStoreModules,
  packPlugin,
  stopChild,
  storeEnv,
} = require("../demo/lib/store-app")
const { compareProfiles, summariseProfile } = require("./lib/cpu-profile")
const { percentile, median, ratio, fmt, percentileRatioInterval } = require("./lib/stats")

const BENCH = path.join(ROOT, "bench", ".store")
const PACKAGES = path.join(BENCH, "packages")
const LOGS = path.join(BENCH, "logs")
const TEMPLATE = path.join(ROOT, "bench", "template")
const CLK_TCK = 100 // Linux USER_HZ: /proc reports CPU time in 1/100 s
/** Postgres backends flush their statistics when idle at most every 10 s (PGSTAT_IDLE_INTERVAL). */
const STATS_FLUSH_MS = 11_000
const REQUEST_TIMEOUT_MS = 60_000
/** Under callgrind the server runs about a hundred times slower: a request, a start and an award may take minutes. */
const CALLGRIND_TIMEOUT_MS = 15 * 60_000
/** Servers that run under callgrind, by origin: their requests get CALLGRIND_TIMEOUT_MS. */
const slowOrigins = new Set()
const PHASE_TIMEOUT_MS = 15 * 60_000
/**
 * What `--without` can leave out of the plugin store for an instruction count (the folders of the installed
 * plugin that Medusa loads: `subscribers` takes the award with it): to tell which part of the plugin a
 * difference comes from. Modules, links and workflows stay.
 */
const WITHOUT_PARTS = ["subscribers", "jobs", "api"]

/** The phase kinds of a round, in their order: `--phases` picks some of them by `mode:shape`. */
const PHASE_KINDS = [
  ["earn", "sequential"],
  ["earn", "concurrent"],
  ["promo", "sequential"],
  ["points", "sequential"],
  ["promo", "concurrent"],
  ["points", "concurrent"],
]

const log = (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function parseArgs() {
  const out = {
    rounds: 2,
    sequential: 24,
    shoppers: 8,
    perShopper: 3,
    entries: 100_000,
    awardOrders: 200,
    points: 500,
    instructions: 5,
    instructionWarmup: 10,
    profile: false,
    profileOnly: false,
    instructionsOnly: false,
    keep: false,
    out: null,
    phases: null,
    without: [],
  }
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].split("=")
    if (key === "--profile") out.profile = true
    else if (key === "--profile-only") out.profile = out.profileOnly = true
    else if (key === "--instructions-only") out.instructionsOnly = true
    else if (key === "--keep") out.keep = true
    else {
      const value = inline ?? argv[++i]
      const number = Number(value)
      if (key === "--out") out.out = value
      else if (key === "--phases") out.phases = value.split(",")
      else if (key === "--without") out.without = value.split(",")
      else if (key === "--rounds") out.rounds = number
      else if (key === "--sequential") out.sequential = number
      else if (key === "--shoppers") out.shoppers = number
      else if (key === "--per-shopper") out.perShopper = number
      else if (key === "--entries") out.entries = number
      else if (key === "--award-orders") out.awardOrders = number
      else if (key === "--instructions") out.instructions = number
      else if (key === "--instruction-warmup") out.instructionWarmup = number
      else throw new Error(`unknown option ${key}`)
      const least = key === "--instructions" ? 0 : 1
      if (!["--out", "--phases", "--without"].includes(key) && !(Number.isInteger(number) && number >= least && number <= 10_000_000)) {
        throw new Error(`${key} takes a whole number from ${least} to 10,000,000, not ${value}`)
      }
    }
  }
  const KINDS = PHASE_KINDS.map(([mode, shape]) => `${mode}:${shape}`)
  const unknown = (out.phases ?? []).filter((kind) => !KINDS.includes(kind))
  if (unknown.length) throw new Error(`--phases takes a comma-separated list of ${KINDS.join(", ")}; not ${unknown.join(", ")}`)
  if (out.rounds < 2) throw new Error("--rounds must be at least 2 (the stores alternate)")
  // Odd rounds run plain first, even rounds the plugin first; the store that runs second in a round
  // was measured slower (docs/benchmarks.md, session 30), so an odd count favours plain.
  if (out.rounds % 2) console.warn(`--rounds ${out.rounds}: the plugin store runs second in more rounds than plain; an even count balances the order`)
  if (out.instructionsOnly && out.instructions === 0) throw new Error("--instructions-only needs --instructions of at least 1")
  const notParts = out.without.filter((part) => !WITHOUT_PARTS.includes(part))
  if (notParts.length) throw new Error(`--without takes a comma-separated list of ${WITHOUT_PARTS.join(", ")}; not ${notParts.join(", ")}`)
  if (out.without.length && !out.instructionsOnly) throw new Error("--without goes with --instructions-only (the other phases use the plugin's routes and its award)")
  if (out.instructions > 0 && spawnSync("valgrind", ["--version"]).status !== 0) {
    throw new Error("--instructions counts with valgrind's callgrind, and valgrind is not installed (Debian: apt-get install valgrind); pass --instructions 0 to skip the count")
  }
  return out
}

// ---------------------------------------------------------------------------
// The server process, seen from /proc

/** The process and its descendants (Medusa runs in one process; this also counts any it forks). */
function processTree(pid) {
  const children = new Map()
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8")
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])
      if (!children.has(ppid)) children.set(ppid, [])
      children.get(ppid).push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  const all = []
  const walk = (p) => {
    all.push(p)
    for (const c of children.get(p) ?? []) walk(c)
  }
  walk(pid)
  return all
}

/** utime + stime of the process (all its threads), in milliseconds. */
function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK
}

function treeCpuMs(pid) {
  let total = 0
  for (const p of processTree(pid)) {
    try {
      total += cpuMs(p)
    } catch {
      // exited
    }
  }
  return total
}

/** Resident memory now and its peak, in MB. */
function memoryMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8")
  const kb = (key) => Number((status.match(new RegExp(`^${key}:\\s+(\\d+)`, "m")) || [0, 0])[1])
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 }
}

/** Waits until the server has used no more than one clock tick in 500 ms (at most 20 s). */
async function quiet(pid) {
  const deadline = Date.now() + 20_000
  let last = treeCpuMs(pid)
  while (Date.now() < deadline) {
    await sleep(500)
    const now = treeCpuMs(pid)
    if (now - last <= 1000 / CLK_TCK) return
    last = now
  }
}

// ---------------------------------------------------------------------------
// HTTP (loopback, keep-alive as a storefront's server would)

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
/** For a server under callgrind: a kept-alive socket may be closed by the server (5 s keep-alive) just as the next slow request goes out. */
const freshConnections = new http.Agent({ keepAlive: false })

function request(base, method, url, { headers = {}, body } = {}) {
  const target = new URL(url, base)
  if (!["127.0.0.1", "localhost"].includes(target.hostname)) throw new Error(`not loopback: ${target}`)
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body)
    const req = http.request(
      target,
      {
        method,
        agent: slowOrigins.has(target.origin) ? freshConnections : agent,
        timeout: slowOrigins.has(target.origin) ? CALLGRIND_TIMEOUT_MS : REQUEST_TIMEOUT_MS,
        headers: {
          ...(data ? { "content-type": "application/json", "content-length": Buffer.byteLength(data) } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = ""
        res.on("data", (chunk) => (text += chunk))
        res.on("end", () => {
          let json
          try {
            json = JSON.parse(text)
          } catch {
            json = undefined
          }
          if (res.statusCode >= 400) {
            reject(new Error(`${method} ${target.pathname} answered ${res.statusCode}: ${text.slice(0, 500)}`))
          } else resolve(json)
        })
      }
    )
    req.on("timeout", () => req.destroy(new Error(`${method} ${target.pathname} timed out`)))
    req.on("error", reject)
    if (data) req.write(data)
    req.end()
  })
}

// ---------------------------------------------------------------------------
// Postgres counters

/**
 * The Postgres server's CPU in milliseconds: the postmaster's own, its reaped children's (cutime +
 * cstime) and its live children's (backends of both stores, autovacuum, the WAL writer). Phases run
 * one store at a time, so a segment's difference is mostly that store's queries. `null` when the
 * server is not a process on this machine (a remote DATABASE_URL).
 */
function postgresCpuMs(postmaster) {
  if (!postmaster) return null
  try {
    const stat = fs.readFileSync(`/proc/${postmaster}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    const reaped = ((Number(fields[13]) + Number(fields[14])) * 1000) / CLK_TCK
    return reaped + treeCpuMs(postmaster)
  } catch {
    return null
  }
}

/** The postmaster's process id: the parent of the monitor connection's backend, when it runs here. */
async function findPostmaster(monitor) {
  const { rows } = await monitor.query("SELECT pg_backend_pid() AS pid")
  try {
    const stat = fs.readFileSync(`/proc/${rows[0].pid}/stat`, "utf8")
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])
  } catch {
    return null
  }
}

/**
 * Transactions and rows written in one database so far (as flushed by its backends), and the
 * Postgres server's CPU so far.
 */
async function dbCounters(monitor, database) {
  const { rows } = await monitor.query(
    `SELECT (xact_commit + xact_rollback)::bigint AS xacts, (tup_inserted + tup_updated + tup_deleted)::bigint AS written
       FROM pg_stat_database WHERE datname = $1`,
    [database]
  )
  return { xacts: Number(rows[0].xacts), written: Number(rows[0].written), pgCpu: postgresCpuMs(monitor.postmaster) }
}

// ---------------------------------------------------------------------------
// The two stores

/** `--without`: those folders of the plugin as the store installed it are removed, so Medusa loads none of them. */
function leaveOut(store, parts) {
  store.awards = !parts.includes("subscribers")
  for (const part of parts) {
    fs.rmSync(path.join(store.dir, "node_modules", PLUGIN_NAME, ".medusa", "server", "src", part), { recursive: true, force: true })
  }
}

function writeStoreApp(dir, tarballFile) {
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(
    path.join(dir, "package.json"),
    `${JSON.stringify(
      {
        name: `loyalty-bench-${path.basename(dir)}-store`,
        private: true,
        description: "Generated by `npm run bench` (bench/checkout.js); bench/template/ is the source.",
        dependencies: {
          "@medusajs/medusa": "2.21.2",
          "@medusajs/framework": "2.21.2",
          "@medusajs/cli": "2.21.2",
          ...(tarballFile ? { [PLUGIN_NAME]: `file:${path.relative(dir, tarballFile)}` } : {}),
        },
      },
      null,
      2
    )}\n`
  )
  fs.copyFileSync(path.join(TEMPLATE, "medusa-config.ts"), path.join(dir, "medusa-config.ts"))
  // both stores: POST /bench/gc, the full garbage collection the instruction count runs after its warm-up and counts apart
  fs.cpSync(path.join(TEMPLATE, "src"), path.join(dir, "src"), { recursive: true })
  fs.copyFileSync(path.join(ROOT, "demo", "template", "tsconfig.json"), path.join(dir, "tsconfig.json"))
  installStoreModules(dir, tarballFile)
}

/**
 * `medusa start` of a store on a free loopback port, waited for on /health (at most 3 minutes, or
 * CALLGRIND_TIMEOUT_MS under `wrapper`: a command the server runs under, such as valgrind).
 */
async function startServer(store, { nodeArgs = [], wrapper = [] } = {}) {
  const port = await freePort()
  const logFile = path.join(LOGS, `${store.name}-server.log`)
  const out = fs.openSync(logFile, "a")
  const cli = path.join(store.dir, "node_modules", "@medusajs", "cli", "cli.js")
  const env = storeEnv(store.dir, {
    ...store.env,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
  })
  const command = [...wrapper, process.execPath, ...nodeArgs, cli, "start", "--port", String(port)]
  const child = spawn(command[0], command.slice(1), { cwd: store.dir, env, detached: true, stdio: ["ignore", out, out] })
  fs.closeSync(out)
  let exited = null
  child.once("exit", (code, signal) => (exited = { code, signal }))
  store.server = { child, pid: child.pid, base: `http://127.0.0.1:${port}`, logFile, env }
  if (wrapper.length) slowOrigins.add(new URL(store.server.base).origin)
  const deadline = Date.now() + (wrapper.length ? CALLGRIND_TIMEOUT_MS : 180_000)
  for (;;) {
    if (exited) throw new Error(`${store.name} server exited while starting (${JSON.stringify(exited)}); see ${logFile}`)
    try {
      await request(store.server.base, "GET", "/health")
      return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${store.name} server not healthy in time; see ${logFile}`)
    await sleep(250)
  }
}

async function stopServer(store) {
  if (!store.server) return
  const { child } = store.server
  store.server = null
  await stopChild(child)
}

/** Registers a shopper as a storefront does and logs them in. */
async function registerShopper(store, email) {
  const base = store.server.base
  const pk = store.fixture.storeHeaders
  const password = "bench-shopper"
  const registration = await request(base, "POST", "/auth/customer/emailpass/register", { body: { email, password } })
  const { customer } = await request(base, "POST", "/store/customers", {
    headers: { ...pk, authorization: `Bearer ${registration.token}` },
    body: { email, first_name: "Bench", last_name: "Shopper" },
  })
  const login = await request(base, "POST", "/auth/customer/emailpass", { body: { email, password } })
  return { email, customerId: customer.id, headers: { ...pk, authorization: `Bearer ${login.token}` } }
}

// ---------------------------------------------------------------------------
// One checkout, in three segments

const ADDRESS = {
  first_name: "Erika",
  last_name: "Mustermann",
  address_1: "Unter den Linden 1",
  city: "Berlin",
  postal_code: "10117",
  country_code: "de",
}

/** Times one request (and, with `cpu`, the server's CPU during it: sequential runs only). */
async function timed(record, step, cpuPid, fn) {
  const cpuBefore = cpuPid ? treeCpuMs(cpuPid) : 0
  const startedAt = Date.now()
  const started = process.hrtime.bigint()
  const result = await fn()
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  ;(record.steps[step] ??= []).push(ms)
  ;(record.startedAt[step] ??= []).push(startedAt)
  if (cpuPid) (record.stepCpu[step] ??= []).push(treeCpuMs(cpuPid) - cpuBefore)
  record.afterStep?.(step)
  return { result, ms }
}

/** Create a cart, add an item, set email and address, pick shipping. */
async function startCheckout(store, shopper, record, cpuPid) {
  const { base } = store.server
  const h = { headers: shopper.headers }
  const f = store.fixture.commerce
  let ms = 0
  const { result: created, ms: a } = await timed(record, "create cart", cpuPid, () =>
    request(base, "POST", "/store/carts", { ...h, body: { region_id: f.regionId } })
  )
  const cartId = created.cart.id
  const steps = [
    ["add item", `/store/carts/${cartId}/line-items`, { variant_id: f.expensiveVariantId, quantity: 1 }],
    ["address", `/store/carts/${cartId}`, { email: shopper.email, shipping_address: ADDRESS, billing_address: ADDRESS }],
    ["shipping", `/store/carts/${cartId}/shipping-methods`, { option_id: f.shippingOptionId }],
  ]
  ms += a
  for (const [step, url, body] of steps) ms += (await timed(record, step, cpuPid, () => request(base, "POST", url, { ...h, body }))).ms
  return { cartId, ms }
}

/** Points (plugin) or the promotion code on the cart. */
async function applyDiscount(store, shopper, mode, cartId, record, cpuPid, points) {
  const { base } = store.server
  if (mode === "points") {
    return (
      await timed(record, "apply points", cpuPid, () =>
        request(base, "POST", `/store/carts/${cartId}/loyalty/points`, { headers: shopper.headers, body: { points } })
      )
    ).ms
  }
  return (
    await timed(record, "apply promo code", cpuPid, () =>
      request(base, "POST", `/store/carts/${cartId}/promotions`, {
        headers: shopper.headers,
        body: { promo_codes: [store.fixture.promoCode] },
      })
    )
  ).ms
}

/** Payment collection, payment session, complete. */
async function finishCheckout(store, shopper, cartId, record, cpuPid) {
  const { base } = store.server
  const h = { headers: shopper.headers }
  const { result, ms: a } = await timed(record, "payment collection", cpuPid, () =>
    request(base, "POST", "/store/payment-collections", { ...h, body: { cart_id: cartId } })
  )
  const { ms: b } = await timed(record, "payment session", cpuPid, () =>
    request(base, "POST", `/store/payment-collections/${result.payment_collection.id}/payment-sessions`, {
      ...h,
      body: { provider_id: "pp_system_default" },
    })
  )
  const { result: completed, ms: c } = await timed(record, "complete", cpuPid, () =>
    request(base, "POST", `/store/carts/${cartId}/complete`, { ...h, body: {} })
  )
  if (completed.type !== "order") throw new Error(`cart ${cartId} did not complete: ${JSON.stringify(completed.error)}`)
  record.orderIds.push(completed.order.id)
  return a + b + c
}

// ---------------------------------------------------------------------------
// Phases

/**
 * Waits for what the orders' events trigger: on the plugin store, until the
 * award of every order is written (at most 2 minutes, 15 under callgrind); then until the server
 * is quiet. Returns how many queries it sent to the store's database (they
 * count in its transactions and are taken off).
 */
async function settle(store, orderIds) {
  let queries = 0
  if (store.withPlugin && store.awards !== false && orderIds.length) {
    const deadline = Date.now() + (slowOrigins.has(new URL(store.server.base).origin) ? CALLGRIND_TIMEOUT_MS : 120_000)
    for (;;) {
      queries++
      const { rows } = await store.db.query(
        `SELECT count(DISTINCT order_id)::int AS n FROM loyalty_entry
          WHERE order_id = ANY($1) AND type IN ('pending', 'earn') AND voided_at IS NULL`,
        [orderIds]
      )
      if (rows[0].n >= orderIds.length) break
      if (Date.now() > deadline) throw new Error(`${store.name}: ${orderIds.length - rows[0].n} of ${orderIds.length} awards not written in time`)
      await sleep(100)
    }
  }
  await quiet(store.server.pid)
  return queries
}

/**
 * Server CPU, transactions and rows written since `mark`, once counters are
 * flushed; `next` is the mark for the segment that follows.
 */
async function measureSince(ctx, store, mark, ownQueries) {
  const cpuNow = treeCpuMs(store.server.pid)
  await sleep(STATS_FLUSH_MS)
  const counters = await dbCounters(ctx.monitor, store.database)
  const at = Date.now()
  return {
    cpu: cpuNow - mark.cpu,
    pgCpu: counters.pgCpu === null || mark.pgCpu === null ? null : counters.pgCpu - mark.pgCpu,
    xacts: counters.xacts - mark.xacts - ownQueries,
    written: counters.written - mark.written,
    // the wall-clock time the transactions were counted over (the flush wait included)
    ms: at - mark.at,
    // the idle wait for the counters is left out of the next segment's CPU
    next: { cpu: treeCpuMs(store.server.pid), ...counters, at },
  }
}

async function markNow(ctx, store) {
  await sleep(STATS_FLUSH_MS)
  const counters = await dbCounters(ctx.monitor, store.database)
  return { cpu: treeCpuMs(store.server.pid), ...counters, at: Date.now() }
}

function newRecord() {
  return { steps: {}, stepCpu: {}, startedAt: {}, whole: [], orderIds: [], segments: {}, collections: [] }
}

/**
 * The store's major garbage collections since `since` (wall-clock ms), as
 * [start, pause] pairs: the bench store app's `GET /bench/collections`.
 */
async function majorCollections(store, since) {
  const { collections } = await request(store.server.base, "GET", `/bench/collections?since=${since}`)
  return collections
}

/**
 * Whether a major collection began or paused while a request of a phase ran
 * (from its start to its answer): such a request takes 100 to 150 ms longer
 * in either store (the pause, and the concurrent marking beside it on a
 * 2-core machine).
 */
function collectedDuring(record, step, i) {
  const start = record.startedAt[step][i]
  const end = start + record.steps[step][i]
  return record.collections.some(([at, pause]) => at < end && at + pause > start)
}

/**
 * Sequential checkouts, one request at a time, in segments so that each
 * segment's transactions can be counted: every cart is started, then (with a
 * discount) every cart gets it, then every cart is paid and completed.
 */
async function sequentialPhase(ctx, store, mode) {
  const record = newRecord()
  const since = Date.now()
  const n = ctx.options.sequential
  const pid = store.server.pid
  const carts = []
  let mark = await markNow(ctx, store)
  for (let i = 0; i < n; i++) {
    const shopper = store.shoppers[i % store.shoppers.length]
    const { cartId, ms } = await startCheckout(store, shopper, record, pid)
    carts.push({ shopper, cartId, ms })
  }
  await quiet(pid)
  record.segments.start = await measureSince(ctx, store, mark, 0)
  if (mode !== "earn") {
    mark = record.segments.start.next
    for (const cart of carts) cart.ms += await applyDiscount(store, cart.shopper, mode, cart.cartId, record, pid, ctx.options.points)
    await quiet(pid)
    record.segments.apply = await measureSince(ctx, store, mark, 0)
  }
  mark = (record.segments.apply ?? record.segments.start).next
  for (const cart of carts) cart.ms += await finishCheckout(store, cart.shopper, cart.cartId, record, pid)
  const own = await settle(store, record.orderIds)
  record.segments.finish = await measureSince(ctx, store, mark, own)
  record.whole = carts.map((c) => c.ms)
  record.rss = memoryMb(pid)
  record.collections = await majorCollections(store, since)
  return record
}

/** `--shoppers` shoppers at once, each doing `--per-shopper` whole checkouts one after another. */
async function concurrentPhase(ctx, store, mode) {
  const record = newRecord()
  const since = Date.now()
  const mark = await markNow(ctx, store)
  await Promise.all(
    store.shoppers.slice(0, ctx.options.shoppers).map(async (shopper) => {
      for (let i = 0; i < ctx.options.perShopper; i++) {
        const started = process.hrtime.bigint()
        const { cartId } = await startCheckout(store, shopper, record, null)
        if (mode !== "earn") await applyDiscount(store, shopper, mode, cartId, record, null, ctx.options.points)
        await finishCheckout(store, shopper, cartId, record, null)
        record.whole.push(Number(process.hrtime.bigint() - started) / 1e6)
      }
    })
  )
  const own = await settle(store, record.orderIds)
  record.segments.all = await measureSince(ctx, store, mark, own)
  record.rss = memoryMb(store.server.pid)
  record.collections = await majorCollections(store, since)
  return record
}

// ---------------------------------------------------------------------------
// Where the time goes (--cpu-prof)

/** Sequential earning phases whose CPU the two profiles compare, after one phase to warm up. */
const PROFILED_EARN_PHASES = 2

/** V8's profile clock and `process.hrtime` are both the system's monotonic clock, in µs here. */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n)

/**
 * Each store restarted under `node --cpu-prof`: one sequential earning phase
 * to warm up (a restarted server compiles its code again), then
 * `PROFILED_EARN_PHASES` more, whose time window the comparison takes from
 * both profiles, so the same requests are compared; the plugin store then
 * also runs a phase with points (in its own summary, not in the comparison).
 */
async function profileStores(ctx, stores) {
  const profileDir = path.join(BENCH, "profile")
  fs.rmSync(profileDir, { recursive: true, force: true })
  const runs = {}
  for (const store of [stores.plain, stores.plugin]) {
    const dir = path.join(profileDir, store.name)
    fs.mkdirSync(dir, { recursive: true })
    await stopServer(store)
    // node refuses --cpu-prof in NODE_OPTIONS: it goes on the command line
    await startServer(store, { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`] })
    await sequentialPhase(ctx, store, "earn")
    const from = monotonicUs()
    for (let i = 0; i < PROFILED_EARN_PHASES; i++) await sequentialPhase(ctx, store, "earn")
    const to = monotonicUs()
    if (store.withPlugin) await sequentialPhase(ctx, store, "points")
    await stopServer(store)
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))
    if (!files.length) throw new Error(`no .cpuprofile written in ${dir}`)
    const biggest = files.map((f) => path.join(dir, f)).sort((x, y) => fs.statSync(y).size - fs.statSync(x).size)[0]
    runs[store.name] = { profile: JSON.parse(fs.readFileSync(biggest, "utf8")), file: path.relative(ROOT, biggest), window: { from, to } }
  }
  const summary = summariseProfile(runs.plugin.profile, { pluginName: PLUGIN_NAME })
  summary.file = runs.plugin.file
  const checkouts = PROFILED_EARN_PHASES * ctx.options.sequential
  const comparison = compareProfiles(runs.plain, runs.plugin, { pluginName: PLUGIN_NAME, checkouts })
  return { ...summary, markdown: () => [...summary.markdown(), "", ...comparison] }
}

// ---------------------------------------------------------------------------
// Instructions per checkout (callgrind)

/** How long the idle work of a store under callgrind is counted (two minute ticks). */
const IDLE_COUNT_MS = 120_000

/**
 * V8's heap while callgrind counts, the same for both stores: an old space so
 * large that no major collection runs during the count (its timing follows
 * V8's speed estimates, which valgrind's slowdown makes erratic: one landing
 * in a checkout adds about 1.5 billion instructions), young semi-spaces of a
 * fixed size so that scavenges, which are counted, come at the same
 * allocation volume in both. The cost of one full collection of each heap is
 * counted apart.
 */
const COUNTED_HEAP = ["--initial-old-space-size=4096", "--max-old-space-size=8192", "--min-semi-space-size=16", "--max-semi-space-size=16", "--no-memory-reducer"]

/**
 * Checkouts between the full collection that ends the warm-up and the count
 * (with 10 the counts were still falling; with 20 they settle).
 *
 * Why the collection: V8's root map of plain objects (`{}`) holds at most
 * 1,536 transitions, one per first property name, and boot and the first
 * checkouts fill it in both stores (1,514 in plain Medusa, 1,513 with the
 * plugin). Under COUNTED_HEAP no major collection has run since boot, so the
 * transitions to the maps of boot's dead objects keep their slots, and
 * request-time objects built from `{}` (MikroORM's query options, spreads)
 * whose first key came too late get a new, unshared map each time. The
 * plugin's boot (its entities, services, filters) takes slots that plain
 * Medusa's query keys get, so the plugin store had twice plain's map
 * creations and 1.59 × its property-load cache misses (`--log-maps`,
 * `--log-ic`). A major collection clears the transitions to dead maps, as
 * boot's own collections do under V8's default heap: after it, 1.09 ×.
 */
const AFTER_COLLECTION_WARM = 20

/** callgrind_control with the server's environment: vgdb finds a server by the user and host names it started with. */
function callgrindControl(store, args) {
  const out = spawnSync("callgrind_control", [...args, String(store.server.pid)], { env: store.server.env, encoding: "utf8" })
  if (out.status !== 0) throw new Error(`callgrind_control ${args.join(" ")} ${store.server.pid}: ${out.stderr || out.stdout}`)
}

/** The instruction count of the dump that `label` triggered (callgrind writes one file per dump: <out>.<n>). */
function dumpedInstructions(outFile, label) {
  const dir = path.dirname(outFile)
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${path.basename(outFile)}.`))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8")
    if (!text.slice(0, 4096).includes(`dump ${label}`)) continue
    const total = text.match(/^(?:summary|totals): (\d+)/m)
    if (!total) throw new Error(`${file}: no instruction total`)
    return Number(total[1])
  }
  throw new Error(`no callgrind dump "${label}" next to ${outFile}`)
}

/**
 * Counts what `work` makes the server execute: counting on and zeroed, the
 * work, a dump under `label`, counting off. Dumps `work` asks for on the way
 * (`dump(label)`) zero the count as they go, so the last dump holds only what
 * came after them.
 */
async function counted(store, outFile, label, work) {
  callgrindControl(store, ["--instr=on"])
  callgrindControl(store, ["--zero"])
  await work()
  callgrindControl(store, [`--dump=${label}`])
  callgrindControl(store, ["--instr=off"])
  return dumpedInstructions(outFile, label)
}

/** One full garbage collection of a store's heap (the bench store app's POST /bench/gc), waited out. */
async function fullCollection(store) {
  await request(store.server.base, "POST", "/bench/gc")
  await quiet(store.server.pid)
}

/**
 * Instructions the server executes per earning checkout, counted by valgrind's
 * callgrind. CPU time on these machines swings by 15–25 % between rounds of
 * the same work; an instruction count does not move with what else the machine
 * does, so a few checkouts resolve a difference of a few percent.
 *
 * Both stores restart under callgrind with counting off and the same fixed
 * heap policy (COUNTED_HEAP), warm up with `warm` checkouts (the JIT's work
 * settles: the first checkouts cost up to twice as many instructions), then
 * run one full collection and AFTER_COLLECTION_WARM more checkouts (as a
 * server that has run a while has had major collections), then
 * count `checkouts` checkouts one at a time: counting on and zeroed, the whole
 * checkout, its events' work (the award written, the server quiet), the count
 * dumped. Last, one full garbage collection (POST /bench/gc, the store app's
 * own route) is counted apart. The stores run side by side, one core each: a
 * count does not depend on the other's load.
 */
async function instructionCounts(stores, { checkouts, warm }) {
  const dir = path.join(BENCH, "callgrind")
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  const measure = async (store) => {
    await stopServer(store)
    const outFile = path.join(dir, `${store.name}.out`)
    await startServer(store, {
      nodeArgs: ["--expose-gc", ...COUNTED_HEAP],
      wrapper: ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--smc-check=all-non-file", `--callgrind-out-file=${outFile}`],
    })
    const shopper = await registerShopper(store, `counted-${process.pid}@bench.test`)
    const record = newRecord()
    const checkout = async () => {
      const { cartId } = await startCheckout(store, shopper, record, null)
      await finishCheckout(store, shopper, cartId, record, null)
      await settle(store, record.orderIds.slice(-1))
    }
    for (let i = 0; i < warm; i++) await checkout()
    // As a server that has run a while has had: a major collection, which clears
    // the map transitions that startup's garbage held (see AFTER_COLLECTION_WARM).
    await fullCollection(store)
    for (let i = 0; i < AFTER_COLLECTION_WARM; i++) await checkout()
    const counts = []
    const durations = []
    const steps = {}
    for (let i = 1; i <= checkouts; i++) {
      const started = Date.now()
      // a dump per request, and the last one for the events' work after the complete request
      const label = (step) => `checkout-${i}-${step.replace(/ /g, "-")}`
      const requests = []
      record.afterStep = (step) => {
        callgrindControl(store, [`--dump=${label(step)}`])
        requests.push(step)
      }
      const events = await counted(store, outFile, label("events"), checkout)
      record.afterStep = undefined
      let total = events
      for (const step of requests) {
        const n = dumpedInstructions(outFile, label(step))
        ;(steps[step] ??= []).push(n)
        total += n
      }
      ;(steps.events ??= []).push(events)
      const duration = Date.now() - started
      counts.push(total)
      durations.push(duration)
      log(`${store.name}: checkout ${i}: ${total.toLocaleString("en-US")} instructions in ${(duration / 1000).toFixed(0)} s`)
    }
    // Idle: under callgrind a checkout lasts about a minute, so a store's timers (Medusa's, the
    // plugin's minute job) fire about once per counted checkout, against once per many real ones.
    const idlePerMs = (await counted(store, outFile, "idle", () => sleep(IDLE_COUNT_MS))) / IDLE_COUNT_MS
    // what the major collections left out of the counts cost: one full collection of this store's heap
    const collection = await counted(store, outFile, "full-collection", () => fullCollection(store))
    await stopServer(store)
    return { counts, durations, idlePerMs, steps, collection }
  }
  const [plain, plugin] = await Promise.all([measure(stores.plain), measure(stores.plugin)])
  return {
    plain: plain.counts,
    plugin: plugin.counts,
    steps: { plain: plain.steps, plugin: plugin.steps },
    durations: { plain: plain.durations, plugin: plugin.durations },
    idlePerMs: { plain: plain.idlePerMs, plugin: plugin.idlePerMs },
    // each checkout less the idle work of its wall-clock time
    busy: {
      plain: plain.counts.map((n, i) => n - plain.idlePerMs * plain.durations[i]),
      plugin: plugin.counts.map((n, i) => n - plugin.idlePerMs * plugin.durations[i]),
    },
    collection: { plain: plain.collection, plugin: plugin.collection },
    checkouts,
    warm,
  }
}

async function withTimeout(promise, ms, what) {
  let timer
  try {
    return await Promise.race([
      promise,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms))),
    ])
  } finally {
    clearTimeout(timer)
  }
}

// ---------------------------------------------------------------------------
// Plugin-only measurements

/**
 * Gives a shopper `count` ledger entries in all (bulk SQL, as years of
 * history would leave them): pairs of a +1 adjustment (with its lot, spent)
 * and a -1 redemption, dated back from now, so the cached balance and the
 * lots still agree with the ledger.
 */
async function fillLedger(store, customerId, count) {
  const db = store.db
  const { rows } = await db.query(
    `SELECT a.id, (SELECT count(*)::int FROM loyalty_entry e WHERE e.account_id = a.id) AS n
       FROM loyalty_account a WHERE a.customer_id = $1 AND a.deleted_at IS NULL`,
    [customerId]
  )
  if (!rows[0]) throw new Error(`no points account for ${customerId}`)
  const { id: accountId, n: existing } = rows[0]
  const pairs = Math.floor(Math.max(0, count - existing) / 2)
  await db.query("BEGIN")
  await db.query(
    `INSERT INTO loyalty_entry (id, type, points, balance_change, reason, actor_type, idempotency_key, account_id, created_at, updated_at)
     SELECT 'lent_bench_' || $1 || '_' || g || '_' || k,
            CASE k WHEN 0 THEN 'adjust' ELSE 'redeem' END,
            CASE k WHEN 0 THEN 1 ELSE -1 END, CASE k WHEN 0 THEN 1 ELSE -1 END,
            'bench history', 'system', 'bench:' || $1 || ':' || g || ':' || k, $1,
            now() - ((2 * $2 - 2 * g + k) * interval '1 minute'), now()
       FROM generate_series(1, $2) g, generate_series(0, 1) k`,
    [accountId, pairs]
  )
  await db.query(
    `INSERT INTO loyalty_lot (id, entry_id, points, remaining, account_id, created_at, updated_at)
     SELECT 'llot_bench_' || $1 || '_' || g, 'lent_bench_' || $1 || '_' || g || '_0', 1, 0, $1,
            now() - ((2 * $2 - 2 * g) * interval '1 minute'), now()
       FROM generate_series(1, $2) g`,
    [accountId, pairs]
  )
  await db.query(
    "UPDATE loyalty_account SET lifetime_earned = lifetime_earned + $2, lifetime_redeemed = lifetime_redeemed + $2 WHERE id = $1",
    [accountId, pairs]
  )
  await db.query("COMMIT")
  // VACUUM too: else autovacuum picks up the 100,000 new rows while the reads are being timed.
  await db.query("VACUUM ANALYZE loyalty_entry")
  await db.query("VACUUM ANALYZE loyalty_lot")
  const { rows: total } = await db.query("SELECT count(*)::int AS n FROM loyalty_entry WHERE account_id = $1", [accountId])
  return total[0].n
}

async function accountReads(ctx, store) {
  const small = await registerShopper(store, `reader-small-${process.pid}@bench.test`)
  const big = await registerShopper(store, `reader-big-${process.pid}@bench.test`)
  // the signup bonus (written by a subscriber) opens the account
  for (const reader of [small, big]) {
    const deadline = Date.now() + 60_000
    while (!(await store.db.query("SELECT 1 FROM loyalty_account WHERE customer_id = $1", [reader.customerId])).rowCount) {
      if (Date.now() > deadline) throw new Error(`no points account for ${reader.email} after 60 s`)
      await sleep(200)
    }
  }
  const sizes = [await fillLedger(store, small.customerId, 10), await fillLedger(store, big.customerId, ctx.options.entries)]
  const result = {}
  const reads = [
    ["account", "/store/loyalty/account"],
    ["entries", "/store/loyalty/account/entries"],
  ]
  const readers = [["small", small, sizes[0]], ["big", big, sizes[1]]]
  for (const [name, url] of reads) {
    for (const [, reader] of readers) {
      for (let i = 0; i < 5; i++) await request(store.server.base, "GET", url, { headers: reader.headers }) // warm
    }
    // Small and big alternate request by request, so both see the same load on a shared machine.
    const times = { small: [], big: [] }
    for (let i = 0; i < 40; i++) {
      for (const [label, reader] of readers) {
        const started = process.hrtime.bigint()
        await request(store.server.base, "GET", url, { headers: reader.headers })
        times[label].push(Number(process.hrtime.bigint() - started) / 1e6)
      }
    }
    for (const [label, , size] of readers) {
      result[`${name}:${label}`] = { size, p50: percentile(times[label], 50), p95: percentile(times[label], 95) }
    }
  }
  return result
}

/** The ledger after the run: no account below zero or off its lots, one award per order. */
async function ledgerChecks(store) {
  const q = async (sql) => (await store.db.query(sql)).rows[0].n
  return {
    overdrafts: await q(
      `SELECT count(*)::int AS n FROM loyalty_account a
        WHERE a.balance < 0 OR a.balance <> (SELECT coalesce(sum(remaining), 0) FROM loyalty_lot l WHERE l.account_id = a.id AND l.deleted_at IS NULL)`
    ),
    duplicateAwards: await q(
      `SELECT count(*)::int AS n FROM (SELECT order_id FROM loyalty_entry
        WHERE type IN ('pending', 'earn') AND voided_at IS NULL AND order_id IS NOT NULL
        GROUP BY order_id HAVING count(*) > 1) d`
    ),
    duplicateRedemptions: await q(
      `SELECT count(*)::int AS n FROM (SELECT order_id FROM loyalty_entry
        WHERE type = 'redeem' AND voided_at IS NULL AND order_id IS NOT NULL
        GROUP BY order_id HAVING count(*) > 1) d`
    ),
    orders: await q(`SELECT count(*)::int AS n FROM "order"`),
    awardedOrders: await q(
      `SELECT count(DISTINCT order_id)::int AS n FROM loyalty_entry WHERE type IN ('pending', 'earn') AND voided_at IS NULL`
    ),
  }
}

// ---------------------------------------------------------------------------
// Report

const STEP_ORDER = [
  "create cart",
  "add item",
  "address",
  "shipping",
  "apply points",
  "apply promo code",
  "payment collection",
  "payment session",
  "complete",
]

function pooled(records, pick) {
  return records.flatMap(pick)
}

/**
 * Per-checkout figures of one phase kind, over the rounds (medians of the
 * rounds' per-checkout values). `idle`: the store's idle minute; its
 * transactions a millisecond times a segment's counted time are the
 * background work (timers, scheduled jobs) that fell into the segment,
 * taken off in `busyXacts`.
 */
function summarise(records, checkoutsPerRecord, idle) {
  const idleXactsPerMs = idle.xacts / idle.ms
  const perRound = (segment) =>
    records.map((r) => {
      const segs = segment ? [r.segments[segment]].filter(Boolean) : Object.values(r.segments)
      const sum = (key) => segs.reduce((s, x) => s + x[key], 0) / checkoutsPerRecord
      const background = segs.reduce((s, x) => s + idleXactsPerMs * x.ms, 0) / checkoutsPerRecord
      const pgCpu = segs.every((x) => x.pgCpu !== null && x.pgCpu !== undefined) ? sum("pgCpu") : NaN
      return { cpu: sum("cpu"), pgCpu, xacts: sum("xacts"), written: sum("written"), busyXacts: sum("xacts") - background }
    })
  const med = (rows, key) => median(rows.map((r) => r[key]))
  const total = perRound(null)
  const segments = {}
  for (const name of ["start", "apply", "finish"]) {
    if (records[0].segments[name]) {
      const rows = perRound(name)
      segments[name] = { cpu: med(rows, "cpu"), pgCpu: med(rows, "pgCpu"), xacts: med(rows, "xacts"), written: med(rows, "written") }
    }
  }
  const steps = {}
  for (const step of STEP_ORDER) {
    const times = pooled(records, (r) => r.steps[step] ?? [])
    if (!times.length) continue
    const cpu = pooled(records, (r) => r.stepCpu[step] ?? [])
    // the same requests less those a major collection landed in
    const quiet = pooled(records, (r) => (r.steps[step] ?? []).filter((_, i) => !collectedDuring(r, step, i)))
    steps[step] = {
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      cpu: cpu.length ? cpu.reduce((a, b) => a + b, 0) / cpu.length : null,
      collected: times.length - quiet.length,
      count: times.length,
      quietP95: quiet.length ? percentile(quiet, 95) : null,
      times,
      roundP95: records.map((r) => percentile(r.steps[step] ?? [], 95)),
    }
  }
  const whole = pooled(records, (r) => r.whole)
  return {
    cpu: med(total, "cpu"),
    pgCpu: med(total, "pgCpu"),
    pgCpuRounds: total.map((r) => r.pgCpu),
    xacts: med(total, "xacts"),
    busyXacts: med(total, "busyXacts"),
    written: med(total, "written"),
    cpuRounds: total.map((r) => r.cpu),
    xactRounds: total.map((r) => r.xacts),
    segments,
    steps,
    whole: { p50: percentile(whole, 50), p95: percentile(whole, 95) },
    rss: Math.max(...records.map((r) => r.rss.rss)),
    peak: Math.max(...records.map((r) => r.rss.peak)),
  }
}

function sideBySide(title, a, b, { aName, bName }) {
  const lines = [`#### ${title}`, "", `| | ${aName} | ${bName} | ratio / difference |`, "|---|---|---|---|"]
  const row = (label, x, y, unit = "", diff = false) =>
    lines.push(`| ${label} | ${fmt(x)}${unit} | ${fmt(y)}${unit} | ${diff ? `${y - x >= 0 ? "+" : ""}${fmt(y - x)}` : ratio(y, x)} |`)
  lines.push(
    `| server CPU per checkout (ms; each round) | ${fmt(a.cpu)} (${a.cpuRounds.map(fmt).join(", ")}) | ${fmt(b.cpu)} (${b.cpuRounds.map(fmt).join(", ")}) | ${ratio(b.cpu, a.cpu)} |`
  )
  lines.push(
    `| Postgres server CPU per checkout (ms, the whole server: both stores' backends, autovacuum, the bench's polling; each round) | ${fmt(a.pgCpu)} (${a.pgCpuRounds.map(fmt).join(", ")}) | ${fmt(b.pgCpu)} (${b.pgCpuRounds.map(fmt).join(", ")}) | ${ratio(b.pgCpu, a.pgCpu)} |`
  )
  row("Postgres transactions per checkout", a.xacts, b.xacts, "", true)
  row("… less the background work (each store's idle transactions a minute × the phase's counted time)", a.busyXacts, b.busyXacts, "", true)
  row("rows written per checkout", a.written, b.written, "", true)
  for (const name of ["start", "apply", "finish"]) {
    if (a.segments[name] && b.segments[name]) {
      const label = { start: "cart → shipping", apply: "the discount request", finish: "payment → complete → events" }[name]
      row(`… ${label}: CPU ms`, a.segments[name].cpu, b.segments[name].cpu)
      row(`… ${label}: Postgres CPU ms`, a.segments[name].pgCpu, b.segments[name].pgCpu)
      row(`… ${label}: transactions`, a.segments[name].xacts, b.segments[name].xacts, "", true)
    }
  }
  for (const step of STEP_ORDER) {
    const x = a.steps[step]
    const y = b.steps[step]
    if (!x && !y) continue
    const cell = (v) => (v ? `${fmt(v.p50)} / ${fmt(v.p95)}` : "–")
    const ratios = x && y ? `${ratio(y.p50, x.p50)} / ${ratio(y.p95, x.p95)}` : ""
    lines.push(`| ${step} p50 / p95 (ms) | ${cell(x)} | ${cell(y)} | ${ratios} |`)
  }
  // What decides a p95 of a few dozen completions: how many of them a major collection landed in.
  const done = (v) => `${v.collected} of ${v.count}; ${fmt(v.quietP95)}`
  const [x, y] = [a.steps.complete, b.steps.complete]
  if (x && y) {
    lines.push(
      `| … complete: requests a major collection landed in; p95 of the others (ms) | ${done(x)} | ${done(y)} | ${ratio(y.quietP95, x.quietP95)} |`
    )
    // How much a p95 of this many completions can move: each round's own ratio (the two
    // stores' phases of one round ran back to back) and a bootstrap interval of the pooled one.
    const interval = percentileRatioInterval(x.times, y.times, 95)
    // which store ran first in the round, where the table sets plain against the plugin store
    const storeVsStore = aName.startsWith("plain") && bName.startsWith("plugin")
    const first = (i) => (storeVsStore ? ` (${(i + 1) % 2 ? "plain" : "plugin"} first)` : "")
    const rounds = x.roundP95.map((p95, i) => `${ratio(y.roundP95[i], p95)}${first(i)}`).join(", ")
    lines.push(
      `| … complete p95 ratio: each round; 90 % interval (bootstrap, 2,000 resamples) | | | ${rounds}; ${ratio(interval.low, 1)} – ${ratio(interval.high, 1)} |`
    )
  }
  lines.push(`| whole checkout p50 / p95 (ms) | ${fmt(a.whole.p50)} / ${fmt(a.whole.p95)} | ${fmt(b.whole.p50)} / ${fmt(b.whole.p95)} | ${ratio(b.whole.p50, a.whole.p50)} / ${ratio(b.whole.p95, a.whole.p95)} |`)
  lines.push(`| server RSS after the phase (MB), peak | ${fmt(a.rss)}, ${fmt(a.peak)} | ${fmt(b.rss)}, ${fmt(b.peak)} | ${ratio(b.rss, a.rss)} |`)
  lines.push("")
  return lines
}

/** The callgrind counts: each checkout, the median, and the ratio of the medians. */
function instructionsTable(instructions) {
  if (!instructions) return []
  const g = (n) => `${(n / 1e9).toFixed(3)} G`
  const spread = (v) => `${(((Math.max(...v) - Math.min(...v)) / median(v)) * 100).toFixed(1)} %`
  return [
    "#### Instructions the server executes per checkout (callgrind)",
    "",
    `CPU time swings with the machine; an instruction count does not. Both stores restarted under valgrind's callgrind, ${instructions.warm} checkouts each to warm up, one full collection (a server that has run a while has had many: it clears the map transitions boot's garbage held) and ${AFTER_COLLECTION_WARM} more checkouts (none counted), then ${instructions.checkouts} sequential checkouts each counted alone, from the first request to the award written and the server quiet. Both heaps under the same fixed policy (\`COUNTED_HEAP\`: an old space large enough that no major collection runs during the count, fixed young semi-spaces: scavenges are in the counts); two idle minutes and one full collection of each heap are counted apart. Bench/checkout.js, \`instructionCounts\`.`,
    "",
    "| | plain | plugin | ratio |",
    "|---|---|---|---|",
    `| instructions per checkout, median | ${g(median(instructions.plain))} | ${g(median(instructions.plugin))} | **${(median(instructions.plugin) / median(instructions.plain)).toFixed(3)}×** |`,
    `| each checkout | ${instructions.plain.map(g).join(", ")} | ${instructions.plugin.map(g).join(", ")} | |`,
    `| spread (max − min) / median | ${spread(instructions.plain)} | ${spread(instructions.plugin)} | |`,
    `| idle: instructions a minute with nobody shopping (timers, the plugin's minute job) | ${g(instructions.idlePerMs.plain * 60_000)} | ${g(instructions.idlePerMs.plugin * 60_000)} | |`,
    `| a counted checkout's wall-clock time under callgrind, median | ${(median(instructions.durations.plain) / 1000).toFixed(0)} s | ${(median(instructions.durations.plugin) / 1000).toFixed(0)} s | |`,
    `| instructions per checkout less the idle work of its wall-clock time, median | ${g(median(instructions.busy.plain))} | ${g(median(instructions.busy.plugin))} | **${(median(instructions.busy.plugin) / median(instructions.busy.plain)).toFixed(3)}×** |`,
    `| one full garbage collection of the heap after the count (not in the checkouts' counts) | ${g(instructions.collection.plain)} | ${g(instructions.collection.plugin)} | ${(instructions.collection.plugin / instructions.collection.plain).toFixed(3)}× |`,
    "",
    "Per request (median of the counted checkouts; `events`: from the complete response until the award is written and the server quiet):",
    "",
    "| request | plain | plugin | difference | ratio |",
    "|---|---|---|---|---|",
    ...Object.keys(instructions.steps.plain).map((step) => {
      const a = median(instructions.steps.plain[step])
      const b = median(instructions.steps.plugin[step] ?? [])
      // a ratio over next to nothing (plain's events) says nothing
      const times = a >= 1e6 ? `${(b / a).toFixed(3)}×` : "–"
      return `| ${step} | ${g(a)} | ${g(b)} | ${b - a >= 0 ? "+" : "−"}${(Math.abs(b - a) / 1e6).toFixed(0)} M | ${times} |`
    }),
    "",
  ]
}

function stepCpuTable(phases) {
  const lines = ["| step | " + phases.map((p) => p.label).join(" | ") + " |", "|---|" + phases.map(() => "---|").join("")]
  for (const step of STEP_ORDER) {
    if (!phases.some((p) => p.summary.steps[step])) continue
    lines.push(
      `| ${step} | ${phases.map((p) => (p.summary.steps[step]?.cpu != null ? fmt(p.summary.steps[step].cpu) : "–")).join(" | ")} |`
    )
  }
  return lines
}

// ---------------------------------------------------------------------------

async function main() {
  const options = parseArgs()
  const startedAt = Date.now()
  const loadBefore = os.loadavg()
  fs.mkdirSync(LOGS, { recursive: true })
  fs.mkdirSync(PACKAGES, { recursive: true })
  const { active, run } = createRunner()
  const stores = {
    plain: { name: "plain", dir: path.join(BENCH, "plain"), withPlugin: false },
    plugin: { name: "plugin", dir: path.join(BENCH, "plugin"), withPlugin: true },
  }
  const cleanups = []
  let stopping = false
  const cleanup = async () => {
    for (const store of Object.values(stores)) await stopServer(store).catch(() => undefined)
    await Promise.all([...active].map((child) => stopChild(child)))
    for (const fn of cleanups.reverse()) await fn().catch((e) => log(`cleanup: ${e.message}`))
  }
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      if (stopping) return
      stopping = true
      log(`${signal}: stopping what the bench started`)
      cleanup().finally(() => process.exit(130))
    })
  }

  try {
    // 1. plugin build, tarball, store apps
    if (!buildIsFresh()) {
      log("npm run build")
      await run("npm", ["run", "build"], { cwd: ROOT, env: storeEnv(ROOT, { NODE_ENV: undefined }), logFile: path.join(LOGS, "build.log") })
    }
    log("npm pack")
    const { tarball, sha } = await packPlugin({ run, packagesDir: PACKAGES, env: storeEnv(ROOT), logFile: path.join(LOGS, "pack.log") })
    writeStoreApp(stores.plain.dir, null)
    writeStoreApp(stores.plugin.dir, path.join(PACKAGES, tarball))
    leaveOut(stores.plugin, options.without)

    // 2. databases, migrations, seeds, servers, shoppers
    const { env: dbEnv, stop: stopDb, embedded } = await ensureDatabase({ dir: path.join(ROOT, ".cache"), name: "pg-bench-checkout", log })
    cleanups.push(stopDb)
    const monitor = new Client({ connectionString: databaseUrl(dbEnv, "postgres") })
    await monitor.connect()
    cleanups.push(() => monitor.end())
    monitor.postmaster = await findPostmaster(monitor)
    const { rows: pgVersion } = await monitor.query("SHOW server_version")
    for (const store of Object.values(stores)) {
      store.database = `loyalty_bench_${store.name}_${process.pid}`
      await createDatabase(dbEnv, store.database, { recreate: true })
      if (!options.keep) {
        cleanups.push(async () => {
          await monitor.query(`DROP DATABASE IF EXISTS "${store.database}" WITH (FORCE)`)
        })
      }
      store.env = { ...dbEnv, DATABASE_URL: databaseUrl(dbEnv, store.database), BENCH_STORE: store.name }
      store.fixtureFile = path.join(BENCH, `${store.name}-fixture.json`)
    }
    for (const store of Object.values(stores)) {
      log(`${store.name}: medusa db:migrate`)
      await run(process.execPath, [path.join(store.dir, "node_modules", "@medusajs", "cli", "cli.js"), "db:migrate"], {
        cwd: store.dir,
        env: storeEnv(store.dir, store.env),
        logFile: path.join(LOGS, `${store.name}-migrate.log`),
      })
      log(`${store.name}: seed`)
      await run(process.execPath, [path.join(store.dir, "node_modules", "@medusajs", "cli", "cli.js"), "exec", path.join(ROOT, "bench", "seed.ts")], {
        cwd: store.dir,
        env: storeEnv(store.dir, { ...store.env, BENCH_FIXTURE_FILE: store.fixtureFile }),
        logFile: path.join(LOGS, `${store.name}-seed.log`),
      })
      store.fixture = JSON.parse(fs.readFileSync(store.fixtureFile, "utf8"))
      store.db = new Client({ connectionString: store.env.DATABASE_URL })
      await store.db.connect()
      cleanups.push(() => store.db.end())
    }
    if (options.instructionsOnly) {
      // only the callgrind count (about 15 minutes), printed; the report file is left as it is
      log(`instructions: both stores under callgrind, ${options.instructionWarmup} checkouts to warm up, ${options.instructions} counted`)
      const instructions = await instructionCounts(stores, { checkouts: options.instructions, warm: options.instructionWarmup })
      const without = options.without.length
        ? [`The plugin store here is without the plugin's ${options.without.join(", ")} (\`--without\`); the rest of the plugin is loaded${stores.plugin.awards ? "" : ", and no award is written"}.`, ""]
        : []
      process.stdout.write(`${[...without, ...instructionsTable(instructions)].join("\n")}\n`)
      return
    }
    for (const store of Object.values(stores)) {
      log(`${store.name}: medusa start`)
      await startServer(store)
      store.bootRss = memoryMb(store.server.pid)
      store.shoppers = []
      for (let i = 0; i < Math.max(options.shoppers, 1); i++) {
        store.shoppers.push(await registerShopper(store, `shopper-${i}-${process.pid}@bench.test`))
      }
      if (store.withPlugin) {
        for (const shopper of store.shoppers) {
          await request(store.server.base, "POST", `/admin/loyalty/accounts/${shopper.customerId}/adjustments`, {
            headers: store.fixture.adminHeaders,
            body: { points: 1_000_000, reason: "bench: points to pay with" },
          })
        }
      }
      // one checkout each, not measured: the first request of a kind loads code and warms caches
      const warm = newRecord()
      for (const mode of store.withPlugin ? ["earn", "promo", "points"] : ["earn", "promo"]) {
        const { cartId } = await startCheckout(store, store.shoppers[0], warm, null)
        if (mode !== "earn") await applyDiscount(store, store.shoppers[0], mode, cartId, warm, null, options.points)
        await finishCheckout(store, store.shoppers[0], cartId, warm, null)
      }
      await settle(store, warm.orderIds)
    }

    if (options.profileOnly) {
      // only the two profiles (about 9 minutes on 2 cores), printed; the report file is left as it is
      const profile = await profileStores({ options, monitor }, stores)
      process.stdout.write(`${profile.markdown().join("\n")}\n`)
      return
    }

    // idle cost: what each server does with nobody shopping, over a minute
    const idle = {}
    {
      const marks = {}
      for (const store of Object.values(stores)) marks[store.name] = await markNow({ monitor }, store)
      await sleep(60_000 - STATS_FLUSH_MS)
      for (const store of Object.values(stores)) idle[store.name] = await measureSince({ monitor }, store, marks[store.name], 0)
    }

    // 3. rounds
    const ctx = { options, monitor }
    const asked = (mode, shape) => !options.phases || options.phases.includes(`${mode}:${shape}`)
    const kinds = PHASE_KINDS.filter(([mode, shape]) => asked(mode, shape) || (mode === "promo" && asked("points", shape)))
    const results = {}
    for (let round = 1; round <= options.rounds; round++) {
      const order = round % 2 ? [stores.plain, stores.plugin] : [stores.plugin, stores.plain]
      for (const [mode, shape] of kinds) {
        for (const store of order) {
          if (mode === "points" && !store.withPlugin) continue
          const key = `${store.name}:${mode}:${shape}`
          log(`round ${round}: ${key}`)
          const phase = shape === "sequential" ? sequentialPhase(ctx, store, mode) : concurrentPhase(ctx, store, mode)
          ;(results[key] ??= []).push(await withTimeout(phase, PHASE_TIMEOUT_MS, key))
          fs.writeFileSync(path.join(BENCH, "results.json"), JSON.stringify({ options, idle, results }))
        }
      }
    }

    if (options.phases) {
      // only the phases asked for (a quick comparison while working on one figure), printed; the report file is left as it is
      for (const [mode, shape] of kinds) {
        const n = shape === "sequential" ? options.sequential : options.shoppers * options.perShopper
        const plain = results[`plain:${mode === "points" ? "promo" : mode}:${shape}`]
        const plugin = results[`plugin:${mode}:${shape}`]
        const title = `${mode}, ${shape}: ${mode === "points" ? "plain with a promotion code" : "plain"} vs plugin`
        if (plain && plugin) process.stdout.write(`${sideBySide(title, summarise(plain, n, idle.plain), summarise(plugin, n, idle.plugin), { aName: "plain", bName: "plugin" }).join("\n")}\n`)
      }
      return
    }

    // 4. plugin-only measurements
    log("account reads")
    const reads = await accountReads(ctx, stores.plugin)
    log("award throughput")
    const award = await awardThroughput(run, stores.plugin, options)
    const checks = await ledgerChecks(stores.plugin)
    // 5. instructions per checkout
    let instructions = null
    if (options.instructions > 0) {
      log(`instructions: both stores under callgrind, ${options.instructionWarmup} checkouts to warm up, ${options.instructions} counted`)
      instructions = await instructionCounts(stores, { checkouts: options.instructions, warm: options.instructionWarmup })
    }

    // 6. profile
    let profile = null
    if (options.profile) {
      log("profile: both stores under --cpu-prof, the same earning checkouts")
      profile = await profileStores(ctx, stores)
    }

    const loadAfter = os.loadavg()
    const report = renderReport({
      options,
      results,
      idle,
      reads,
      award,
      checks,
      instructions,
      profile,
      stores,
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model ?? "cpu",
        memGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        postgres: `${pgVersion[0].server_version} (${embedded ? "embedded" : "server from DB_*/DATABASE_URL"})`,
        loadBefore,
        loadAfter,
        minutes: (Date.now() - startedAt) / 60000,
        tarball,
        sha,
      },
    })
    process.stdout.write(report)
    if (options.out) {
      fs.writeFileSync(path.resolve(ROOT, options.out), keepAnalysis(path.resolve(ROOT, options.out), report))
      log(`wrote ${options.out}`)
    }
  } finally {
    if (!stopping) {
      stopping = true
      await cleanup()
    }
  }
}

/** `medusa exec bench/award-throughput.ts` in the plugin store: a process of its own, measured from inside. */
async function awardThroughput(run, store, options) {
  const resultFile = path.join(BENCH, "award-throughput.json")
  fs.rmSync(resultFile, { force: true })
  await run(process.execPath, [path.join(store.dir, "node_modules", "@medusajs", "cli", "cli.js"), "exec", path.join(ROOT, "bench", "award-throughput.ts")], {
    cwd: store.dir,
    env: storeEnv(store.dir, {
      ...store.env,
      BENCH_FIXTURE_FILE: store.fixtureFile,
      BENCH_RESULT: resultFile,
      BENCH_AWARD_ORDERS: String(options.awardOrders),
      BENCH_CUSTOMERS: store.shoppers.map((s) => s.customerId).join(","),
    }),
    logFile: path.join(LOGS, "award-throughput.log"),
  })
  return JSON.parse(fs.readFileSync(resultFile, "utf8"))
}

/**
 * The hand-written reading of the figures (between `<!-- analysis -->` and
 * `<!-- /analysis -->` in the file being replaced) is kept, after the title.
 */
function keepAnalysis(file, report) {
  let previous = ""
  try {
    previous = fs.readFileSync(file, "utf8")
  } catch {
    return report
  }
  const kept = previous.match(/<!-- analysis -->[\s\S]*?<!-- \/analysis -->\n/)
  if (!kept) return report
  const [title, ...rest] = report.split("\n")
  return [title, "", kept[0], ...rest].join("\n")
}

function renderReport({ options, results, idle, reads, award, checks, instructions, profile, stores, machine }) {
  const seq = options.sequential
  const conc = options.shoppers * options.perShopper
  const s = (key, n) => summarise(results[key], n, idle[key.split(":")[0]])
  const S = {
    plainEarnSeq: s("plain:earn:sequential", seq),
    pluginEarnSeq: s("plugin:earn:sequential", seq),
    plainEarnConc: s("plain:earn:concurrent", conc),
    pluginEarnConc: s("plugin:earn:concurrent", conc),
    plainPromoSeq: s("plain:promo:sequential", seq),
    pluginPromoSeq: s("plugin:promo:sequential", seq),
    pluginPointsSeq: s("plugin:points:sequential", seq),
    plainPromoConc: s("plain:promo:concurrent", conc),
    pluginPromoConc: s("plugin:promo:concurrent", conc),
    pluginPointsConc: s("plugin:points:concurrent", conc),
  }
  const lines = []
  const p = (...l) => lines.push(...l)
  const load = (l) => l.map((x) => x.toFixed(2)).join(" / ")
  p(
    "# Checkout benchmark: plain Medusa vs the same store with the plugin",
    "",
    "Generated by `npm run bench` (bench/checkout.js). The insights recompute has a benchmark of its own: [bench-insights.md](bench-insights.md).",
    "",
    `\`npm run bench -- --rounds ${options.rounds} --sequential ${seq} --shoppers ${options.shoppers} --per-shopper ${options.perShopper} --entries ${options.entries}${options.profile ? " --profile" : ""}\`, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${machine.minutes.toFixed(0)} min.`,
    "",
    `Machine: ${machine.cpus} cores (${machine.model}), ${machine.memGiB} GiB, Node ${machine.node}, Postgres ${machine.postgres}, Medusa 2.21.2 (\`medusa start\`, NODE_ENV=production, local event bus and workflow engine), plugin ${machine.tarball}. Load average ${load(machine.loadBefore)} at the start, ${load(machine.loadAfter)} at the end (1 / 5 / 15 min; on a machine shared with other runs absolute times vary a lot); the ratios come from the two stores measured phase by phase in alternation (the order flips every round) on the same Postgres server.`,
    "",
    "How it is measured: two store apps made the way `npm run demo` makes its store (bench/.store/plain, bench/.store/plugin: the repository's node_modules, plus the packed plugin in the plugin store), the same seed (bench/seed.ts: the HTTP suites' catalog, a promotion code `BENCH5` worth 5 EUR), the same logged-in shoppers. A checkout: create cart, add a 100 EUR item, email + address, shipping, [points or promotion code], payment collection, payment session (system provider), complete. Sequential phases run the carts step by step in three segments (every cart to shipping; every cart's discount; every cart paid and completed) so each segment's Postgres transactions can be counted; per-step CPU is the server's CPU during that one request. Server CPU is utime + stime of the `medusa start` process from /proc, counted until the plugin's award of every order is written and the process is quiet again; transactions and rows written are pg_stat_database deltas of the store's database read after its backends flushed them (11 s idle), minus the bench's own polling queries. Figures per checkout are the median over the rounds; latencies pool every round. Each store app reports its major garbage collections (`GET /bench/collections`, a `perf_hooks` observer): both stores run one every few checkouts, a request it lands in takes 100 to 150 ms longer, and the row under `complete` says how many completions one landed in, with the p95 of the others.",
    "",
    `Idle (nobody shopping, 1 minute): plain ${fmt(idle.plain.cpu)} ms CPU, ${idle.plain.xacts} transactions; plugin ${fmt(idle.plugin.cpu)} ms CPU, ${idle.plugin.xacts} transactions (the plugin's jobs; a job runs every minute). Server RSS after boot and warm-up: plain ${fmt(stores.plain.bootRss.rss)} MB, plugin ${fmt(stores.plugin.bootRss.rss)} MB.`,
    "",
    "## Results",
    "",
    "### Earning only (a member's checkout, no discount)",
    "",
    ...sideBySide(`Sequential (${seq} checkouts per round)`, S.plainEarnSeq, S.pluginEarnSeq, { aName: "plain", bName: "plugin" }),
    ...sideBySide(`${options.shoppers} concurrent shoppers (${options.perShopper} checkouts each per round)`, S.plainEarnConc, S.pluginEarnConc, { aName: "plain", bName: "plugin" }),
    ...instructionsTable(instructions),
    `### With ${options.points} points applied, next to a promotion code`,
    "",
    `The points checkout (plugin store) beside the nearest thing a shopper does in plain Medusa: the same checkout applying the promotion code \`BENCH5\` (5 EUR off, what ${options.points} points pay).`,
    "",
    ...sideBySide("Sequential: plain with promotion code vs plugin with points", S.plainPromoSeq, S.pluginPointsSeq, { aName: "plain, promo code", bName: "plugin, points" }),
    ...sideBySide("Sequential: the same plugin store, promotion code vs points", S.pluginPromoSeq, S.pluginPointsSeq, { aName: "plugin, promo code", bName: "plugin, points" }),
    ...sideBySide("Sequential: promotion code, plain vs plugin", S.plainPromoSeq, S.pluginPromoSeq, { aName: "plain, promo code", bName: "plugin, promo code" }),
    ...sideBySide(`${options.shoppers} concurrent shoppers: plain with promotion code vs plugin with points`, S.plainPromoConc, S.pluginPointsConc, { aName: "plain, promo code", bName: "plugin, points" }),
    ...sideBySide(`${options.shoppers} concurrent shoppers: the same plugin store, promotion code vs points`, S.pluginPromoConc, S.pluginPointsConc, { aName: "plugin, promo code", bName: "plugin, points" }),
    "#### Server CPU per request, sequential (ms, mean)",
    "",
    ...stepCpuTable([
      { label: "plain", summary: S.plainEarnSeq },
      { label: "plugin", summary: S.pluginEarnSeq },
      { label: "plain, promo", summary: S.plainPromoSeq },
      { label: "plugin, promo", summary: S.pluginPromoSeq },
      { label: "plugin, points", summary: S.pluginPointsSeq },
    ]),
    "",
    "### The shopper's points page",
    "",
    "| request (40 sequential, after 5 to warm up) | 10 entries p50 / p95 (ms) | " + `${reads["account:big"].size.toLocaleString("en-US")} entries p50 / p95 (ms) | ratio p50 / p95 |`,
    "|---|---|---|---|",
    ...["account", "entries"].map((name) => {
      const a = reads[`${name}:small`]
      const b = reads[`${name}:big`]
      return `| GET /store/loyalty/${name === "account" ? "account" : "account/entries"} | ${fmt(a.p50)} / ${fmt(a.p95)} | ${fmt(b.p50)} / ${fmt(b.p95)} | ${ratio(b.p50, a.p50)} / ${ratio(b.p95, a.p95)} |`
    }),
    "",
    "### Order events",
    "",
    `The award subscriber (\`order.placed\` → award the order's points) over ${award.orders} orders placed beforehand (\`medusa exec bench/award-throughput.ts\` in the plugin store: orders created with Medusa's createOrderWorkflow, then the subscriber run for each, ${award.concurrency} at a time as the event bus hands them over): **${fmt(award.perSecond)} events/s** (${fmt(award.seconds)} s), ${fmt(award.cpuMsPerEvent)} ms CPU per event, RSS ${fmt(award.rss)} MB.`,
    "",
    "### Ledger after the run",
    "",
    `${checks.orders} orders in the plugin store, ${checks.awardedOrders} awarded; **${checks.overdrafts} overdrafts** (accounts below zero or off their lots), **${checks.duplicateAwards} duplicate awards**, ${checks.duplicateRedemptions} duplicate redemptions.`,
    ""
  )
  if (profile) p(...profile.markdown(), "")
  return `${lines.join("\n")}\n`
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`)
  process.exit(1)
})
