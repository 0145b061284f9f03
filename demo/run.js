#!/usr/bin/env node
/**
 * `npm run demo`: a real Medusa store with this plugin installed from its
 * packed tarball, seeded with a year of loyalty history, served on
 * http://localhost:9000 until Ctrl-C. See demo/README.md.
 *
 *   npm run demo               build what changed, then start
 *   npm run demo -- --reset    throw the store (and its database) away first
 *
 * Plain Node on purpose (no dependencies beyond the repository's own
 * devDependencies): every step is a child process whose output goes to
 * demo/.store/logs/<step>.log.
 */
"use strict"

const { spawn } = require("child_process")
const fs = require("fs")
const http = require("http")
const path = require("path")
const net = require("net")

const {
  DemoError,
  firstError,
  finishedChildrenCpuMs,
  formatSeconds,
  hashPaths,
  loadAverage,
  isAlive,
  sha256,
  sha256File,
  sleep,
  tailFile,
  treeCpuMs,
} = require("./lib/util")
const {
  openDatabase,
  withClient,
  recreateDatabase,
  stopLeftoverEmbedded,
  DEFAULT_DATABASE,
  checkDatabasePortEarly,
} = require("./lib/postgres")
const C = require("./lib/constants")
const {
  PLUGIN_NAME,
  lockfileHash,
  buildIsFresh,
  storeEnv,
  createRunner,
  stopChild,
  packPlugin,
  installStoreModules,
  installPlugin,
} = require("./lib/store-app")

const ROOT = path.resolve(__dirname, "..")
const DEMO = __dirname
const TEMPLATE = path.join(DEMO, "template")
const SEED_SOURCE = path.join(DEMO, "seed.ts")
const STORE = path.join(DEMO, ".store")
const LOGS = path.join(STORE, "logs")
const PACKAGES = path.join(STORE, "packages")
const STATE_FILE = path.join(STORE, "demo-state.json")
const LOCK_FILE = path.join(STORE, "demo.pid")
const INFO_FILE = path.join(STORE, "demo-info.json")
const MEDUSA_BIN = path.join(STORE, "node_modules", ".bin", "medusa")
/**
 * kept across --reset: built admins by content hash, and step timings for the
 * estimates; DEMO_CACHE_DIR puts it elsewhere (CI keeps it outside the clone)
 */
const CACHE = process.env.DEMO_CACHE_DIR ? path.resolve(process.env.DEMO_CACHE_DIR) : path.join(DEMO, ".cache")
/** built admins kept in the cache: the newest few, so clones of other commits sharing a cache keep theirs */
const ADMIN_BUILDS_KEPT = 3
const ADMIN_CACHE = path.join(CACHE, "admin")
const TIMINGS_FILE = path.join(CACHE, "timings.json")

const PORT = Number(process.env.PORT || C.DEFAULT_PORT)
/** 9, and 10 with --size large */
let TOTAL_STEPS = 9

const rel = (p) => path.relative(process.cwd(), p) || "."
const out = (line = "") => process.stdout.write(`${line}\n`)

// ---------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const args = { reset: false, help: false, size: "normal" }
  for (let i = 0; i < argv.length; i++) {
    const [arg, inline] = argv[i].split("=")
    if (arg === "--reset") args.reset = true
    else if (arg === "--help" || arg === "-h") args.help = true
    else if (arg === "--size") {
      args.size = inline ?? argv[++i]
      if (!SIZES.includes(args.size)) throw new DemoError(`--size takes ${SIZES.join(" or ")}, not ${args.size}`)
    } else throw new DemoError(`Unknown option ${arg} (try --help)`)
  }
  return args
}

const SIZES = ["normal", "large"]

const HELP = `Usage: npm run demo [-- --reset] [-- --size large]

Builds the plugin, installs it from its packed tarball into a Medusa store in
demo/.store, migrates and seeds a database, and serves the admin on
http://localhost:${C.DEFAULT_PORT}/app until Ctrl-C. A second run reuses what is there.

  --reset   delete demo/.store (and drop the demo database on an external
            Postgres) and build everything again (the built admin in
            demo/.cache is kept: it is keyed by what it is built from)
  --size large
            a store at scale, in its own database (loyalty_demo_large): the
            year of 200 members, then 20,000 members and 200,000 orders in
            all, added in bulk with their ledger, tiers and insights
            (demo/seed-large.ts; about 6 minutes on an idle 2-core machine)

Environment:
  DATABASE_URL or DB_HOST/DB_PORT/DB_USERNAME/DB_PASSWORD
            use this Postgres (database "loyalty_demo" unless DATABASE_URL
            names one) instead of the embedded one in demo/.store/pgdata
  DEMO_PG_PORT  port of the embedded Postgres (default 15432)
  PORT          Medusa's port (default 9000)
  STOREFRONT_PORT  the demo storefront's port (default 8000)
  DEMO_SEED_SCALE  0–1, shrinks the seeded store (default 1; CI uses 0.25)
  DEMO_CACHE_DIR   where built admins and step timings are kept (default
                   demo/.cache; CI keeps them outside the clone)

Logs: demo/.store/logs/<step>.log`

// ---------------------------------------------------------------------------
// State (what was built from what), kept in demo/.store/demo-state.json

function readState() {
  try {
    return JSON.parse(fs.readFileSync(STATE_FILE, "utf8"))
  } catch {
    return {}
  }
}

function writeState(state) {
  fs.mkdirSync(STORE, { recursive: true })
  fs.writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`)
}

// ---------------------------------------------------------------------------
// Estimates: what each step took last time on this machine (first run: typical
// figures for a 2-core machine)

const DEFAULT_TIMINGS = {
  link: 1000,
  "build-plugin": 40000,
  "migrate-medusa": 30000,
  "seed-medusa": 30000,
  pack: 5000,
  admin: 60000,
  migrate: 10000,
  seed: 60000,
  "seed-large": 600000,
  start: 15000,
}

function readTimings() {
  try {
    return { ...DEFAULT_TIMINGS, ...JSON.parse(fs.readFileSync(TIMINGS_FILE, "utf8")) }
  } catch {
    return { ...DEFAULT_TIMINGS }
  }
}

function recordTiming(key, ms) {
  const timings = readTimings()
  timings[key] = Math.round(ms)
  fs.mkdirSync(CACHE, { recursive: true })
  fs.writeFileSync(TIMINGS_FILE, `${JSON.stringify(timings, null, 2)}\n`)
}

function estimate(key) {
  const ms = readTimings()[key]
  return ms >= 60000 ? `${Math.round(ms / 6000) / 10} min` : `${Math.max(1, Math.round(ms / 1000))} s`
}

// ---------------------------------------------------------------------------
// Child processes: each in its own process group, output to a log file

/**
 * CPU time per step label: each child's, taken when it exits (the growth of
 * this process's finished-children time, see lib/util.js).
 */
const cpuByStep = new Map()
let childrenCpuSeen = finishedChildrenCpuMs()
function chargeFinishedChildren(label) {
  const now = finishedChildrenCpuMs()
  if (now === null) return
  cpuByStep.set(label, (cpuByStep.get(label) || 0) + (now - childrenCpuSeen))
  childrenCpuSeen = now
}

const { active, run } = createRunner({ onExit: chargeFinishedChildren })

/** The environment of the store's commands (see storeEnv in lib/store-app.js). */
const childEnv = (extra = {}) => storeEnv(STORE, extra)

// ---------------------------------------------------------------------------
// Helpers

function portInUse(port) {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once("error", (error) => resolve(error.code === "EADDRINUSE" || error.code === "EACCES"))
    server.listen({ port, exclusive: true }, () => server.close(() => resolve(false)))
  })
}

async function assertPortFree(port) {
  if (await portInUse(port)) {
    throw new DemoError(
      `Port ${port} is already in use, so Medusa cannot start on it (another Medusa or an earlier demo still running?).\n` +
        `Stop whatever listens on it (\`ss -ltnp 'sport = :${port}'\`) or run on another port: PORT=${port + 1} npm run demo`
    )
  }
}

function httpRequest(method, url, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body)
    const req = http.request(
      url,
      {
        method,
        headers: {
          ...(data ? { "content-type": "application/json", "content-length": Buffer.byteLength(data) } : {}),
          ...headers,
        },
        timeout: 15000,
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
          resolve({ status: res.statusCode, json, text })
        })
      }
    )
    req.on("timeout", () => req.destroy(new Error("timeout")))
    req.on("error", reject)
    if (data) req.write(data)
    req.end()
  })
}

/** Another `npm run demo` working on this folder? */
function takeLock() {
  try {
    const pid = Number(fs.readFileSync(LOCK_FILE, "utf8").trim())
    if (pid !== process.pid && isAlive(pid)) {
      let cmdline = ""
      try {
        cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8")
      } catch {
        cmdline = "run.js"
      }
      if (cmdline.includes("run.js")) {
        throw new DemoError(
          `Another demo is already running from this folder (pid ${pid}). Stop it first (Ctrl-C in its terminal, or kill ${pid}).`
        )
      }
    }
  } catch (error) {
    if (error instanceof DemoError) throw error
  }
  fs.mkdirSync(STORE, { recursive: true })
  fs.writeFileSync(LOCK_FILE, String(process.pid))
}

function releaseLock() {
  try {
    if (Number(fs.readFileSync(LOCK_FILE, "utf8").trim()) === process.pid) fs.rmSync(LOCK_FILE)
  } catch {
    // gone with --reset or never taken
  }
}

// ---------------------------------------------------------------------------
// Steps

let database = null
/** set while the database is being opened, so a Ctrl-C then still stops it */
let databaseOpening = null
let medusa = null
let stopping = false
/** the storefront build started after step 4 (resolves to an Error when it failed) */
let storefrontBuild = null
/** the 1-minute load average when the demo started */
let startLoad = ""

/** Every step's wall and CPU time this run, for the summary when the demo is ready. */
const report = []

/** Postgres's CPU time so far (embedded Postgres only: an external server is not ours to measure). */
function postgresCpuMs() {
  return database && database.embedded && database.pid ? treeCpuMs(database.pid) : null
}

/**
 * Runs one numbered step, printing its estimate (what it took last time) and
 * what it really took: wall time, the CPU time (user+sys) of the processes it
 * ran and, for steps that use the database, of Postgres. Steps may run side
 * by side; each one's lines carry its number. `key` names the step in
 * demo/.cache/timings.json. `fn` gets the step's label (for `run`).
 */
function step(n, key, title, fn, { background = false } = {}) {
  const label = `[${n}/${TOTAL_STEPS}] ${title}`
  running.add(label)
  out(`${label}…${key ? ` (about ${estimate(key)})` : ""}`)
  const started = Date.now()
  const pgBefore = postgresCpuMs()
  const finish = (result) => {
    running.delete(label)
    const ms = Date.now() - started
    const cpu = cpuByStep.get(label) || 0
    const pgAfter = postgresCpuMs()
    const pg = pgBefore !== null && pgAfter !== null ? pgAfter - pgBefore : null
    const skipped = result && result.skipped
    if (key && !skipped) recordTiming(key, ms)
    report.push({ n, key, ms, cpu, pg, skipped: Boolean(skipped), load: loadAverage() })
    const costs = [formatSeconds(ms)]
    if (cpu >= 100) costs.push(`CPU ${formatSeconds(cpu)}`)
    if (pg !== null && pg >= 100) costs.push(`Postgres CPU ${formatSeconds(pg)}`)
    const note = result && result.note ? `; ${result.note}` : ""
    const tag = background || running.size ? `[${n}/${TOTAL_STEPS}] ` : ""
    out(skipped ? `      ${tag}skipped: ${skipped} (${costs.join(", ")}${note})` : `      ${tag}done (${costs.join(", ")}${note})`)
    return result
  }
  const promise = Promise.resolve()
    .then(() => fn(label))
    .then(finish, (error) => {
      running.delete(label)
      throw error
    })
  // a step in the background fails when it is awaited (a Ctrl-C meanwhile stops it quietly)
  if (background) promise.catch(() => undefined)
  return promise
}

/** A seed's `[seed] …` progress lines, shown under its step. */
function seedProgress(line) {
  const match = line.match(/^\[seed\] (.*)$/)
  if (match) out(`        ${match[1]}`)
}

/** Labels of the steps running now (for messages on Ctrl-C or a failure). */
const running = new Set()
const currentSteps = () => [...running].join(" and ") || null

function pluginSourceHash() {
  return hashPaths(ROOT, ["src", "package.json", "tsconfig.json"])
}

function templateFiles() {
  return [
    ["medusa-config.ts", path.join(TEMPLATE, "medusa-config.ts")],
    ["tsconfig.json", path.join(TEMPLATE, "tsconfig.json")],
    [path.join("src", "scripts", "seed.ts"), SEED_SOURCE],
    [path.join("src", "scripts", "seed-large.ts"), path.join(DEMO, "seed-large.ts")],
    [path.join("src", "scripts", "lib", "clone-orders.ts"), path.join(DEMO, "lib", "clone-orders.ts")],
    [path.join("src", "scripts", "lib", "random.ts"), path.join(DEMO, "lib", "random.ts")],
  ]
}

/**
 * The store's package.json from the template, naming the plugin's tarball;
 * without one (before the plugin is packed) the plugin is left out, as the
 * store's config leaves it out then (Medusa's commands want a package.json).
 */
function writeStorePackage(tarball) {
  const pkg = JSON.parse(fs.readFileSync(path.join(TEMPLATE, "package.json"), "utf8").replace("PLUGIN_TARBALL", tarball || ""))
  if (!tarball) delete pkg.dependencies[PLUGIN_NAME]
  fs.writeFileSync(path.join(STORE, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`)
}

/**
 * The seed's completion mark in the store's metadata (null when not seeded);
 * `marker`: the large store's (demo/seed-large.ts) instead of the year's.
 */
function readSeeded(db, marker = C.SEED_MARKER) {
  return withClient(db.conn, db.database, async (client) => {
    if (!(await tableExists(client, "public.store"))) return null
    const { rows } = await client.query(
      "SELECT metadata -> $1 AS seed FROM store WHERE deleted_at IS NULL ORDER BY created_at LIMIT 1",
      [marker]
    )
    return (rows[0] && rows[0].seed) || null
  })
}

function tableExists(client, name) {
  return client.query("SELECT to_regclass($1) AS t", [name]).then(({ rows }) => rows[0].t !== null)
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  if (args.help) {
    out(HELP)
    return
  }

  const startedAt = Date.now()
  startLoad = loadAverage()
  const large = args.size === "large"
  TOTAL_STEPS = large ? 10 : 9
  out(`Loyalty points demo: a Medusa store with ${PLUGIN_NAME} (${rel(STORE)})`)

  await assertPortFree(PORT)
  takeLock()

  if (args.reset) {
    out(`--reset: removing ${rel(STORE)}${process.env.DATABASE_URL || process.env.DB_HOST ? " and dropping the demo database" : ""}`)
    const leftover = await stopLeftoverEmbedded(STORE)
    if (leftover) out(`      stopped a Postgres left running by an earlier run (pid ${leftover})`)
    for (const entry of fs.existsSync(STORE) ? fs.readdirSync(STORE) : []) {
      if (path.join(STORE, entry) !== LOCK_FILE) {
        fs.rmSync(path.join(STORE, entry), { recursive: true, force: true })
      }
    }
  }
  await checkDatabasePortEarly(STORE)
  fs.mkdirSync(LOGS, { recursive: true })
  fs.mkdirSync(PACKAGES, { recursive: true })

  const state = readState()
  const logFile = (name) => path.join(LOGS, `${name}.log`)

  // Postgres starts now, while the plugin builds (step 3 waits for it)
  const databaseLog = []
  databaseOpening = openDatabase({
    storeDir: STORE,
    logsDir: LOGS,
    reset: args.reset,
    database: args.size === "large" ? `${DEFAULT_DATABASE}_large` : DEFAULT_DATABASE,
    log: (message) => databaseLog.push(message),
  })
  databaseOpening.catch(() => undefined) // awaited in step 3

  // 1: the store app ------------------------------------------------------------
  // The store uses the repository's own node_modules (one symlink per entry)
  // and gets the plugin from its packed tarball later (step 4): no second
  // `npm install`, one copy of every Medusa package. Without the plugin yet,
  // Medusa's own modules can be migrated while the plugin builds.
  const modulesHash = lockfileHash()
  await step(1, "link", "Preparing the store app (the repository's node_modules, no second npm install)", async () => {
    for (const [target, source] of templateFiles()) {
      fs.mkdirSync(path.dirname(path.join(STORE, target)), { recursive: true })
      fs.copyFileSync(source, path.join(STORE, target))
    }
    if (!fs.existsSync(path.join(STORE, "package.json"))) writeStorePackage(null)
    if (state.modulesHash === modulesHash && fs.existsSync(MEDUSA_BIN)) {
      return { skipped: "the repository's dependencies are unchanged" }
    }
    installStoreModules(STORE)
    state.modulesHash = modulesHash
    delete state.installedTarball
    writeState(state)
  })

  // 2 and 3, side by side: the plugin build, and Medusa's migrations ---------------
  const srcHash = pluginSourceHash()
  const tarballPath = state.plugin && path.join(PACKAGES, state.plugin.tarball)
  const pluginUpToDate = state.plugin && state.plugin.srcHash === srcHash && fs.existsSync(tarballPath)

  const buildPlugin = step(2, "build-plugin", "Building the plugin (medusa plugin:build)", async (label) => {
    if (pluginUpToDate) return { skipped: "plugin sources unchanged since the last build" }
    if (buildIsFresh()) return { skipped: "`npm run build` already built these sources (.medusa/server is newer than src/)" }
    await run("npm", ["run", "build"], {
      cwd: ROOT,
      env: childEnv({ NODE_ENV: undefined }),
      logFile: logFile("build-plugin"),
      stepLabel: label,
    })
  }, { background: true })

  let dbEnv
  let thisDb
  // Medusa's own modules do not need the plugin: migrated without it (the
  // store's config leaves the plugin out under DEMO_WITHOUT_PLUGIN) while it
  // builds; step 7 migrates the plugin's modules and links.
  const coreKey = sha256(["medusa migrations 1", modulesHash, sha256File(path.join(TEMPLATE, "medusa-config.ts"))].join("\n"))
  const migrateCore = step(3, "migrate-medusa", "Migrating Medusa's modules (medusa db:migrate, alongside the plugin build)", async (label) => {
    database = await databaseOpening
    databaseOpening = null
    for (const message of databaseLog.splice(0)) out(`      ${message}`)
    out(`      ${database.description}`)
    dbEnv = { DATABASE_URL: database.url }
    const dbState = (state.databases = state.databases || {})
    thisDb = dbState[database.key] = dbState[database.key] || {}

    const schema = () =>
      withClient(database.conn, database.database, async (client) => ({
        present: await tableExists(client, "public.order"),
        hasRegions:
          (await tableExists(client, "public.region")) &&
          (await client.query("SELECT 1 FROM region LIMIT 1")).rowCount > 0,
      }))
    let { present, hasRegions } = await schema()
    if (present && hasRegions && !(await readSeeded(database, large ? C.LARGE_MARKER : C.SEED_MARKER))) {
      // a seed that was interrupted (Ctrl-C, a failure) left half a store
      if (!database.embedded) {
        throw new DemoError(
          `Database ${database.database} holds data from a seed that did not finish.\n` +
            `Start over with \`npm run demo -- --reset\` (it drops and recreates ${database.database}).`
        )
      }
      out("      a previous seed did not finish: recreating the demo database")
      await recreateDatabase(database)
      delete thisDb.coreMigrated
      delete thisDb.migrated
      present = false
    }
    if (present && (thisDb.coreMigrated === coreKey || thisDb.migrated)) {
      return { skipped: "Medusa's schema is up to date" }
    }
    await run(MEDUSA_BIN, ["db:migrate"], {
      cwd: STORE,
      env: childEnv({ ...dbEnv, NODE_ENV: undefined, DEMO_WITHOUT_PLUGIN: "1" }),
      logFile: logFile("migrate-medusa"),
      stepLabel: label,
    })
    thisDb.coreMigrated = coreKey
    writeState(state)
  }, { background: true })

  // 4: the Medusa part of the seed (catalog, members, template checkouts) and
  // the admin user: Medusa's workflows only, so they run without the plugin
  // too, while it is still building
  const seedMedusa = migrateCore.then(() =>
    step(4, "seed-medusa", "Seeding the catalog, members and template checkouts (Medusa's workflows), and the admin user", async (label) => {
      const env = childEnv({ ...dbEnv, NODE_ENV: undefined, DEMO_WITHOUT_PLUGIN: "1" })
      const seeded = await readSeeded(database)
      const adminExists = await withClient(database.conn, database.database, async (client) =>
        (await client.query('SELECT 1 FROM "user" WHERE email = $1 AND deleted_at IS NULL', [C.ADMIN_EMAIL])).rowCount > 0
      )
      if (seeded && adminExists) return { skipped: `database already seeded, admin user ${C.ADMIN_EMAIL} exists` }
      // Medusa creates its defaults (store, sales channel, price preferences) when it first
      // boots on an empty database: two boots at once would both try, so the admin user
      // waits until the seed has booted (its first progress line).
      let booted
      const seedBooted = new Promise((resolve) => (booted = resolve))
      const seed = seeded
        ? Promise.resolve()
        : run(MEDUSA_BIN, ["exec", "./src/scripts/seed.ts"], {
            cwd: STORE,
            env: { ...env, DEMO_SEED_PART: "medusa" },
            logFile: logFile("seed-medusa"),
            stepLabel: label,
            onLine: (line) => {
              if (line.startsWith("[seed] ")) booted()
              seedProgress(line)
            },
          })
      // (not at all when the seed failed, or the demo is stopping: nothing would stop it then)
      const user = adminExists
        ? Promise.resolve()
        : Promise.race([seedBooted, seed]).then(async () => {
            if (stopping) return
            await run(MEDUSA_BIN, ["user", "-e", C.ADMIN_EMAIL, "-p", C.ADMIN_PASSWORD], {
              cwd: STORE,
              env,
              logFile: logFile("admin-user"),
              stepLabel: label,
            })
            out(`      admin user ${C.ADMIN_EMAIL} created`)
          })
      await Promise.all([seed, user])
    }, { background: true })
  )
  seedMedusa.catch(() => undefined) // awaited with step 8
  await buildPlugin

  // 5: the plugin's tarball, installed into the store ----------------------------------
  await step(5, "pack", "Packing the plugin and installing its tarball in the store (npm pack)", async (label) => {
    if (!pluginUpToDate) {
      const { tarball: name, sha } = await packPlugin({
        run,
        packagesDir: PACKAGES,
        env: childEnv(),
        logFile: logFile("pack"),
        stepLabel: label,
      })
      state.plugin = { srcHash, tarball: name, sha }
      writeState(state)
    }
    const tarball = state.plugin.tarball
    writeStorePackage(tarball)
    if (state.installedTarball === tarball && fs.existsSync(path.join(STORE, "node_modules", PLUGIN_NAME, "package.json"))) {
      return { skipped: `${rel(path.join(PACKAGES, tarball))} is installed` }
    }
    installPlugin(STORE, path.join(PACKAGES, tarball))
    state.installedTarball = tarball
    writeState(state)
  })

  // 6: the admin ----------------------------------------------------------------
  // `medusa start` runs the store from its folder (medusa-config.ts through
  // ts-node, as `medusa develop` does), so there is no server to build. The
  // admin (vite, a minute or more) is built in the background while the
  // database is migrated and seeded, and kept in demo/.cache/admin/<hash of its
  // inputs>, so that a --reset or another clone of the same sources reuses it.
  const adminHash = sha256(
    // the admin bundle is Medusa's dashboard plus the plugin's admin extensions
    // and the store's admin options (medusa-config.ts)
    [
      "admin build 3",
      modulesHash,
      sha256File(path.join(TEMPLATE, "medusa-config.ts")),
      hashPaths(path.join(STORE, "node_modules", PLUGIN_NAME), [".medusa/server/src/admin"]),
    ].join("\n")
  ).slice(0, 16)
  const adminCache = path.join(ADMIN_CACHE, adminHash)
  const adminBuild = step(6, "admin", "Building the admin (medusa build --admin-only, in the background)", async (label) => {
    if (fs.existsSync(path.join(adminCache, "index.html"))) {
      return { skipped: `built before, ${rel(adminCache)}` }
    }
    await run(MEDUSA_BIN, ["build", "--admin-only"], {
      cwd: STORE,
      env: childEnv({ NODE_ENV: undefined }),
      logFile: logFile("build-admin"),
      stepLabel: label,
      background: true, // niced: the seed, on the way to a ready store, comes first
    })
    const outDir = path.join(STORE, ".medusa", "admin")
    if (!fs.existsSync(path.join(outDir, "index.html"))) {
      throw new DemoError("the admin build made no index.html", { logFile: logFile("build-admin") })
    }
    fs.mkdirSync(ADMIN_CACHE, { recursive: true })
    // copied aside, then renamed: another demo sharing the cache never sees half a build
    const partial = `${adminCache}.partial-${process.pid}`
    fs.rmSync(partial, { recursive: true, force: true })
    fs.cpSync(outDir, partial, { recursive: true })
    fs.rmSync(adminCache, { recursive: true, force: true })
    fs.renameSync(partial, adminCache)
    fs.rmSync(outDir, { recursive: true, force: true })
    pruneAdminCache()
  }, { background: true })

  // the storefront (vite build, when its sources changed) alongside, too
  storefrontBuild = require("./storefront/serve.js")
    .buildStorefront({ log: () => undefined, background: true })
    .then(
      (result) => {
        chargeFinishedChildren("storefront")
        return result
      },
      (error) => {
        chargeFinishedChildren("storefront")
        return error
      }
    )

  // 7: the plugin's migrations and links ---------------------------------------------------
  const migratePlugin = migrateCore.then(() => step(7, "migrate", "Migrating the plugin's modules and links (medusa db:migrate)", async (label) => {
    const migrationKey = `${coreKey}:${state.plugin.sha}`
    const present = await withClient(database.conn, database.database, (client) => tableExists(client, "public.loyalty_account"))
    if (present && thisDb.migrated === migrationKey) {
      return { skipped: "schema is up to date for this plugin build" }
    }
    // Medusa's migration scripts ran with step 3; the plugin has none of its own
    const pluginScripts = fs.existsSync(path.join(STORE, "node_modules", PLUGIN_NAME, ".medusa", "server", "src", "migration-scripts"))
    await run(MEDUSA_BIN, ["db:migrate", ...(thisDb.coreMigrated === coreKey && !pluginScripts ? ["--skip-scripts"] : [])], {
      cwd: STORE,
      env: childEnv({ ...dbEnv, NODE_ENV: undefined }),
      logFile: logFile("migrate"),
      stepLabel: label,
    })
    thisDb.migrated = migrationKey
    writeState(state)
  }, { background: true }))
  migratePlugin.catch(() => undefined) // awaited before step 8

  // 8: the loyalty part of the seed: a year of the program through the plugin's workflows
  const seedHash = sha256([SEED_SOURCE, path.join(DEMO, "lib", "clone-orders.ts"), path.join(DEMO, "lib", "random.ts")].map(sha256File).join("\n"))
  // It starts once the plugin is migrated, while the Medusa part may still be
  // running: booting Medusa with the plugin takes seconds, and the seed waits
  // for the Medusa part's mark in the store before it writes anything
  // (DEMO_SEED_AFTER_MEDUSA_PART). If the Medusa part fails, the demo stops
  // and this process with it.
  await migratePlugin
  await step(8, "seed", "Seeding a year of the loyalty program (the plugin's workflows, day by day)", async (label) => {
    if (await readSeeded(database)) {
      await seedMedusa
      if (thisDb.seedHash && thisDb.seedHash !== seedHash) {
        out("      note: demo/seed.ts changed since this database was seeded; `npm run demo -- --reset` reseeds")
      }
      return { skipped: "database already seeded" }
    }
    out("      progress:")
    await Promise.all([
      seedMedusa,
      run(MEDUSA_BIN, ["exec", "./src/scripts/seed.ts"], {
        cwd: STORE,
        env: childEnv({ ...dbEnv, NODE_ENV: undefined, DEMO_SEED_AFTER_MEDUSA_PART: "1" }),
        logFile: logFile("seed"),
        stepLabel: label,
        onLine: seedProgress,
      }),
    ])
    thisDb.seedHash = seedHash
    writeState(state)
  })

  // 9 (10 with --size large): the large store, in bulk
  if (large) {
    await step(9, "seed-large", "Adding the large store in bulk: 20,000 members, 200,000 orders, their ledger, tiers and insights", async (label) => {
      if (await readSeeded(database, C.LARGE_MARKER)) return { skipped: "the large store is seeded" }
      out("      progress:")
      await run(MEDUSA_BIN, ["exec", "./src/scripts/seed-large.ts"], {
        cwd: STORE,
        env: childEnv({ ...dbEnv, NODE_ENV: undefined }),
        logFile: logFile("seed-large"),
        stepLabel: label,
        onLine: seedProgress,
      })
    })
  }

  // last: medusa start ---------------------------------------------------------------------------
  await step(TOTAL_STEPS, "start", `Starting Medusa on port ${PORT} (medusa start)`, async (label) => {
    await assertPortFree(PORT)
    if (!fs.existsSync(path.join(adminCache, "index.html"))) {
      out("      waiting for the admin build to finish…")
    }
    await adminBuild
    installAdmin(adminCache, adminHash)
    const startLog = logFile("medusa")
    const log = fs.openSync(startLog, "w")
    medusa = spawn(MEDUSA_BIN, ["start"], {
      cwd: STORE,
      env: childEnv({ ...dbEnv, NODE_ENV: "production", PORT: String(PORT) }),
      detached: true,
      stdio: ["ignore", log, log],
    })
    fs.closeSync(log)
    active.add(medusa)
    let exited = null
    medusa.on("exit", (code, signal) => {
      exited = { code, signal }
      active.delete(medusa)
    })

    const deadline = Date.now() + 180000
    for (;;) {
      if (exited) {
        throw new DemoError(
          `Medusa exited while starting (${exited.signal || `code ${exited.code}`})`,
          { step: label, logFile: startLog }
        )
      }
      try {
        const res = await httpRequest("GET", `http://localhost:${PORT}/health`)
        if (res.status === 200) break
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        throw new DemoError("Medusa did not answer /health within 3 minutes", { step: label, logFile: startLog })
      }
      await sleep(250)
    }
    const cpu = treeCpuMs(medusa.pid)
    if (cpu !== null) cpuByStep.set(label, cpu)
  })

  await announce(Date.now() - startedAt)

  // Medusa runs until Ctrl-C; if it dies on its own, stop the rest too.
  medusa.on("exit", (code, signal) => {
    if (stopping) return
    out(`\nMedusa exited unexpectedly (${signal || `code ${code}`}); see ${rel(path.join(LOGS, "medusa.log"))}`)
    shutdown(1)
  })
}

/** Removes all but the ADMIN_BUILDS_KEPT newest admin builds (and copies left half done by a killed run, after a day). */
function pruneAdminCache() {
  const now = Date.now()
  const builds = fs
    .readdirSync(ADMIN_CACHE)
    .map((name) => ({ name, at: fs.statSync(path.join(ADMIN_CACHE, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at)
  const finished = builds.filter((b) => !b.name.includes(".partial-"))
  const stale = [
    ...finished.slice(ADMIN_BUILDS_KEPT),
    ...builds.filter((b) => b.name.includes(".partial-") && now - b.at > 24 * 60 * 60 * 1000),
  ]
  for (const build of stale) fs.rmSync(path.join(ADMIN_CACHE, build.name), { recursive: true, force: true })
}

/** Puts the cached admin build where `medusa start` serves it from (public/admin). */
function installAdmin(adminCache, adminHash) {
  const target = path.join(STORE, "public", "admin")
  const mark = path.join(target, ".demo-admin-hash")
  try {
    if (fs.readFileSync(mark, "utf8") === adminHash) return
  } catch {
    // not there yet
  }
  fs.rmSync(target, { recursive: true, force: true })
  fs.mkdirSync(path.dirname(target), { recursive: true })
  fs.cpSync(adminCache, target, { recursive: true })
  fs.writeFileSync(mark, adminHash)
}

/**
 * Where this run's time went: each step's wall time and CPU time (user+sys of
 * its processes; Postgres's apart), the CPU time of the whole run and the
 * load average, so a run on a busy machine can be read for what it cost.
 */
function timeSummary(elapsed) {
  const ownCpu = (process.cpuUsage().user + process.cpuUsage().system) / 1000
  const children = finishedChildrenCpuMs()
  if (children === null) return `  (no CPU figures on this system; wall times per step are above)`
  const live = [medusa && medusa.pid, database && database.embedded && database.pid]
    .filter(Boolean)
    .map((pid) => treeCpuMs(pid) || 0)
  const total = ownCpu + children + live.reduce((a, b) => a + b, 0)
  const steps = report
    .filter((r) => !r.skipped)
    .sort((a, b) => a.n - b.n)
    .map((r) => `${r.key} ${formatSeconds(r.ms)} (CPU ${formatSeconds(r.cpu)}${r.pg ? `, Postgres ${formatSeconds(r.pg)}` : ""})`)
  const storefront = cpuByStep.get("storefront")
  if (storefront) steps.push(`storefront build (CPU ${formatSeconds(storefront)})`)
  return [
    `  Time: ${formatSeconds(elapsed)} wall, ${formatSeconds(total)} CPU (user+sys, all processes${database && database.embedded ? " incl. Postgres" : ""}) on ${require("os").cpus().length} cores, load average ${startLoad} at the start, ${loadAverage()} now`,
    steps.length ? `  Steps (wall, CPU): ${steps.join("; ")}` : "  Every step was skipped",
  ].join("\n")
}

async function announce(elapsed) {
  const base = `http://localhost:${PORT}`
  const info = await withClient(database.conn, database.database, async (client) => {
    const key = await client.query(
      "SELECT token FROM api_key WHERE type = 'publishable' AND revoked_at IS NULL AND deleted_at IS NULL ORDER BY created_at LIMIT 1"
    )
    const customer = await client.query(
      "SELECT id FROM customer WHERE email = $1 AND has_account AND deleted_at IS NULL LIMIT 1",
      [C.SHOPPER_EMAIL]
    )
    return {
      publishableKey: key.rows[0] && key.rows[0].token,
      shopperId: customer.rows[0] && customer.rows[0].id,
    }
  })

  // what the storefront would show the shopper
  let points = ""
  try {
    const login = await httpRequest("POST", `${base}/auth/customer/emailpass`, {
      body: { email: C.SHOPPER_EMAIL, password: C.SHOPPER_PASSWORD },
    })
    const res = await httpRequest("GET", `${base}/store/loyalty/account`, {
      headers: { authorization: `Bearer ${login.json.token}`, "x-publishable-api-key": info.publishableKey },
    })
    const account = res.json && res.json.account
    if (account) points = `${account.balance} points available, ${account.pending} pending`
  } catch {
    // the banner is still useful without it
  }

  // the shopper's side: the demo storefront, next to the store
  const STOREFRONT_PORT = Number(process.env.STOREFRONT_PORT || 8000)
  let storefrontUrl = null
  try {
    const built = await storefrontBuild
    if (built instanceof Error) throw built
    storefront = await require("./storefront/serve.js").startStorefront({
      port: STOREFRONT_PORT,
      backendUrl: base,
      publishableKey: info.publishableKey,
      log: (line) => out(`      ${line}`),
    })
    storefrontUrl = storefront.url
  } catch (error) {
    out(`  (storefront not started: ${error.message}; the store and admin still run)`)
  }

  fs.writeFileSync(
    INFO_FILE,
    `${JSON.stringify(
      {
        url: base,
        admin: { url: `${base}/app`, email: C.ADMIN_EMAIL, password: C.ADMIN_PASSWORD },
        publishableKey: info.publishableKey,
        shopper: { email: C.SHOPPER_EMAIL, password: C.SHOPPER_PASSWORD, customerId: info.shopperId },
        databaseUrl: database.url,
        storefront: storefrontUrl,
      },
      null,
      2
    )}\n`
  )

  out("")
  out(`Loyalty demo is ready (${formatSeconds(elapsed)})`)
  out(timeSummary(elapsed))
  out("")
  out(`  Admin:            ${base}/app`)
  out(`  Admin login:      ${C.ADMIN_EMAIL} / ${C.ADMIN_PASSWORD}`)
  out(`  Publishable key:  ${info.publishableKey}`)
  out(`  Shopper login:    ${C.SHOPPER_EMAIL} / ${C.SHOPPER_PASSWORD}${points ? `  (${points})` : ""}`)
  out(`  Shopper customer: ${info.shopperId}  ->  ${base}/app/customers/${info.shopperId}`)
  out(`  Loyalty settings: ${base}/app/settings/loyalty`)
  if (storefrontUrl) out(`  Storefront:       ${storefrontUrl}  (log in as the shopper, pay with points)`)
  out(`  Store API:        curl -H 'x-publishable-api-key: ${info.publishableKey}' ${base}/store/loyalty/program`)
  out(`  Database:         ${database.url}`)
  out(`  Logs:             ${rel(LOGS)}/ (Medusa: medusa.log)`)
  out("")
  out("Press Ctrl-C to stop Medusa and Postgres.")
}

// ---------------------------------------------------------------------------
// Stopping

let storefront = null

async function stopAll({ force = false } = {}) {
  if (storefront) {
    const server = storefront
    storefront = null
    await server.stop()
  }
  await Promise.all([...active].map((child) => stopChild(child, { force })))
  if (databaseOpening) {
    database = await databaseOpening.catch(() => null)
  }
  if (database) {
    const db = database
    database = null
    await db.stop()
  }
}

let signals = 0

async function shutdown(code) {
  if (stopping) return
  stopping = true
  try {
    await stopAll()
  } finally {
    releaseLock()
    out(code === 130 ? "Stopped." : "")
    process.exit(code)
  }
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    signals++
    if (signals === 1) {
      const during = currentSteps()
      out(`\n${during ? `Interrupted during ${during}. ` : ""}Stopping Medusa and Postgres…`)
      if (during && /Seeding/.test(during)) {
        out("The seed did not finish; the next `npm run demo` starts the demo database over (an external one: use --reset).")
      }
      shutdown(130)
    } else if (signals === 2) {
      out("Still stopping; press Ctrl-C again to kill everything now.")
    } else {
      for (const child of active) {
        try {
          process.kill(-child.pid, "SIGKILL")
        } catch {
          // gone
        }
      }
      releaseLock()
      process.exit(130)
    }
  })
}

main().catch(async (error) => {
  if (stopping) return
  stopping = true
  out("")
  if (error instanceof DemoError) {
    const stepName = error.step || currentSteps()
    out(`✗ ${stepName ? `${stepName} failed: ` : ""}${error.message}`)
    if (error.logFile) {
      out(`  Log: ${rel(error.logFile)}`)
      const first = firstError(error.logFile)
      const tail = tailFile(error.logFile, 12)
      if (first && !tail.includes(first)) out(`  First error:\n${first.replace(/^/gm, "    | ")}`)
      if (tail) out(`  Last lines:\n${tail.replace(/^/gm, "    | ")}`)
    }
  } else {
    const during = currentSteps()
    out(`✗ ${during ? `${during} failed: ` : ""}${error && error.stack ? error.stack : error}`)
  }
  if (/Seeding/.test((error && error.step) || currentSteps() || "")) {
    out(
      database && database.embedded
        ? "  The next `npm run demo` starts the demo database over."
        : "  The database may hold part of the demo data now; `npm run demo -- --reset` starts over."
    )
  }
  try {
    await stopAll()
  } finally {
    releaseLock()
    process.exit(1)
  }
})
