import { ChildProcess, spawn } from "child_process"
import fs from "fs"
import os from "os"
import path from "path"
import Redis from "ioredis"
import { createDatabase, databaseUrl, freePort } from "../../scripts/lib/database"

/**
 * Starts and stops the processes of the scale-out test: Redis (only when none
 * answers at REDIS_URL), the store in `app/` as one `server` and `worker`
 * processes (`medusa start` with MEDUSA_WORKER_MODE), its database and seed.
 * Every wait is bounded; every process is stopped by its own id.
 */

export const APP_DIR = path.join(__dirname, "app")
const MEDUSA_CLI = require.resolve("@medusajs/cli/cli.js")

type Started = { child: ChildProcess; log: string; exited: Promise<number | null> }

function run(name: string, args: string[], env: NodeJS.ProcessEnv, logDir: string): Started {
  const log = path.join(logDir, `${name}.log`)
  const out = fs.openSync(log, "a")
  const child = spawn(process.execPath, [MEDUSA_CLI, ...args], {
    cwd: APP_DIR,
    env: { ...process.env, ...env, MEDUSA_DISABLE_TELEMETRY: "true", PGAPPNAME: `scaleout-${name}` },
    stdio: ["ignore", out, out],
  })
  fs.closeSync(out)
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  return { child, log, exited }
}

function tail(file: string, lines = 40) {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n")
  } catch {
    return "(no log)"
  }
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Runs a one-off `medusa <args>` to its end; throws with the log's tail when it fails. */
async function runToEnd(name: string, args: string[], env: NodeJS.ProcessEnv, logDir: string, ms: number) {
  const started = run(name, args, env, logDir)
  let code: number | null
  try {
    code = await within(started.exited, ms, `medusa ${args.join(" ")}`)
  } catch (e) {
    started.child.kill("SIGKILL")
    throw e
  }
  if (code !== 0) throw new Error(`medusa ${args.join(" ")} exited with ${code}:\n${tail(started.log)}`)
}

async function ping(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 })
  client.on("error", () => undefined)
  try {
    await client.connect()
    return (await client.ping()) === "PONG"
  } catch {
    return false
  } finally {
    client.disconnect()
  }
}

/**
 * Redis for the run: the server at REDIS_URL (default 127.0.0.1:6379) when it
 * answers, otherwise Debian's `redis-server` started on a free port. Either
 * way the run gets a logical database of its own that was empty (claimed with
 * a marker key), so two runs on one Redis never take each other's events, and
 * that database is flushed afterwards.
 */
export async function startRedis(logDir: string) {
  let base = process.env.REDIS_URL || "redis://127.0.0.1:6379"
  let server: ChildProcess | undefined
  if (!(await ping(base))) {
    const port = await freePort()
    server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: ["ignore", fs.openSync(path.join(logDir, "redis.log"), "a"), "inherit"],
    })
    base = `redis://127.0.0.1:${port}`
    const deadline = Date.now() + 10_000
    while (!(await ping(base))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  const root = new URL(base)
  root.pathname = ""
  let url: string | undefined
  for (let db = 15; db >= 1 && !url; db--) {
    const candidate = `${root.toString().replace(/\/$/, "")}/${db}`
    const client = new Redis(candidate, { maxRetriesPerRequest: 1 })
    try {
      const claimed = await client.set("scaleout:owner", String(process.pid), "EX", 900, "NX")
      if (claimed === "OK" && (await client.dbsize()) === 1) url = candidate
      else if (claimed === "OK") await client.del("scaleout:owner")
    } finally {
      client.disconnect()
    }
  }
  if (!url) throw new Error(`no empty Redis database left on ${base}`)
  const claimedUrl = url
  return {
    url: claimedUrl,
    stop: async () => {
      const client = new Redis(claimedUrl, { maxRetriesPerRequest: 1 })
      await client.flushdb().finally(() => client.disconnect())
      if (server) {
        const exited = new Promise((resolve) => server!.once("exit", resolve))
        server.kill("SIGTERM")
        await within(exited, 10_000, "stopping redis-server").catch(() => server!.kill("SIGKILL"))
      }
    },
  }
}

export type StoreProcess = { name: string; port: number; url: string; pid: number; log: string; exited: Promise<number | null> }

export type Cluster = {
  server: StoreProcess
  workers: StoreProcess[]
  databaseUrl: string
  redisUrl: string
  logDir: string
  fixture: {
    commerce: { regionId: string; shippingOptionId: string; expensiveVariantId: string; cheapVariantId: string }
    adminHeaders: Record<string, string>
    storeHeaders: { "x-publishable-api-key": string }
  }
  stop: () => Promise<void>
}

async function waitHealthy(p: StoreProcess, ms: number) {
  const deadline = Date.now() + ms
  let exited = false
  p.exited.then(() => (exited = true))
  for (;;) {
    if (exited) throw new Error(`${p.name} exited while starting:\n${tail(p.log)}`)
    try {
      const response = await fetch(`${p.url}/health`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${p.name} not healthy after ${ms} ms:\n${tail(p.log)}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** SIGTERM, then SIGKILL when it has not exited within 10 s. */
export async function stopProcess(p: { pid: number; exited: Promise<unknown> }, signal: NodeJS.Signals = "SIGTERM") {
  try {
    process.kill(p.pid, signal)
  } catch {
    return
  }
  await within(p.exited, 10_000, `stopping ${p.pid}`).catch(() => {
    try {
      process.kill(p.pid, "SIGKILL")
    } catch {
      // already gone
    }
  })
}

/** Starts one more `medusa start` process of the store in the given mode. */
export async function startStoreProcess(
  name: string,
  mode: "server" | "worker",
  env: NodeJS.ProcessEnv,
  logDir: string,
  ms = 120_000
): Promise<StoreProcess> {
  const port = await freePort()
  const started = run(name, ["start", "--port", String(port)], { ...env, MEDUSA_WORKER_MODE: mode }, logDir)
  const p = { name, port, url: `http://127.0.0.1:${port}`, pid: started.child.pid!, log: started.log, exited: started.exited }
  try {
    await waitHealthy(p, ms)
  } catch (e) {
    await stopProcess(p)
    throw e
  }
  return p
}

/**
 * A fresh database (migrated), a claimed Redis database, then the server and,
 * once it is up, `workers` worker processes and the seed side by side.
 */
export async function startCluster({ workers = 2 } = {}): Promise<Cluster> {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "loyalty-scaleout-"))
  const stops: (() => Promise<void>)[] = []
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e) => console.error(e))
  }
  try {
    const redis = await startRedis(logDir)
    stops.push(redis.stop)

    const database = `loyalty_scaleout_${process.pid}`
    const dbEnv = {
      DB_HOST: process.env.DB_HOST as string,
      DB_PORT: process.env.DB_PORT || "5432",
      DB_USERNAME: process.env.DB_USERNAME || "postgres",
      DB_PASSWORD: process.env.DB_PASSWORD || "",
    }
    await createDatabase(dbEnv, database, { recreate: true })
    stops.push(async () => {
      const { Client } = await import("pg")
      const client = new Client({ ...pgConfig(dbEnv), database: "postgres" })
      await client.connect()
      await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).finally(() => client.end())
    })
    const env = {
      DATABASE_URL: databaseUrl(dbEnv, database),
      REDIS_URL: redis.url,
      SCALEOUT_JOB_INTERVAL_MS: "3000",
      SCALEOUT_FIXTURE_FILE: path.join(logDir, "fixture.json"),
    }
    await runToEnd("migrate", ["db:migrate"], env, logDir, 180_000)

    const processes: StoreProcess[] = []
    stops.push(async () => {
      await Promise.all(processes.map((p) => stopProcess(p)))
    })
    // Every process creates Medusa's defaults (store, sales channel…) at boot if they are
    // missing, which is not safe at the same moment: the server comes first, then the rest.
    const server = await startStoreProcess("server", "server", env, logDir)
    processes.push(server)
    const starting = Array.from({ length: workers }, (_, i) =>
      startStoreProcess(`worker-${i + 1}`, "worker", env, logDir).then((p) => (processes.push(p), p))
    )
    const seeded = runToEnd("seed", ["exec", "./seed.ts"], { ...env, MEDUSA_WORKER_MODE: "server" }, logDir, 180_000)
    const settled = await Promise.allSettled([...starting, seeded])
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected")
    if (failed) throw failed.reason
    const workerProcesses = await Promise.all(starting)

    return {
      server,
      workers: workerProcesses,
      databaseUrl: env.DATABASE_URL,
      redisUrl: redis.url,
      logDir,
      fixture: JSON.parse(fs.readFileSync(env.SCALEOUT_FIXTURE_FILE, "utf8")),
      stop,
    }
  } catch (e) {
    await stop()
    throw e
  }
}

export function pgConfig(env: { DB_HOST: string; DB_PORT: string; DB_USERNAME: string; DB_PASSWORD: string }) {
  return {
    host: env.DB_HOST,
    port: Number(env.DB_PORT),
    user: env.DB_USERNAME,
    password: env.DB_PASSWORD || undefined,
  }
}
