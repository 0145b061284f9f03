import path from "path"
import { Modules } from "@medusajs/framework/utils"

/**
 * The test store of `medusa-config.ts` as it runs in production when it
 * outgrows one process: `MEDUSA_WORKER_MODE` makes a process the HTTP
 * `server` or a background `worker`, and all of them share Medusa's Redis
 * event bus, Redis workflow engine (scheduled jobs) and Redis locking.
 * This folder's `src/` is the plugin's `src/` (symlinks) except `jobs/`, whose
 * files run the plugin's jobs every few seconds and record each run.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const base = require("../../../medusa-config")
const root = path.join(__dirname, "../../..")
const redisUrl = process.env.REDIS_URL

type ModuleEntry = { resolve?: string } | boolean
const absolute = (mod: ModuleEntry) =>
  typeof mod === "object" && mod.resolve?.startsWith("./") ? { ...mod, resolve: path.join(root, mod.resolve) } : mod
const modules: Record<string, ModuleEntry> = base.modules ?? {}

module.exports = {
  ...base,
  projectConfig: {
    ...base.projectConfig,
    databaseUrl: process.env.DATABASE_URL,
    redisUrl,
    workerMode: (process.env.MEDUSA_WORKER_MODE as "shared" | "worker" | "server" | undefined) ?? "shared",
  },
  modules: {
    ...Object.fromEntries(Object.entries(modules).map(([key, mod]) => [key, absolute(mod)])),
    [Modules.EVENT_BUS]: {
      resolve: "@medusajs/medusa/event-bus-redis",
      options: {
        redisUrl,
        // A subscriber that throws is retried; a worker that dies is noticed
        // after `lockDuration` and its event handed to another worker.
        jobOptions: { attempts: 3, backoff: { type: "fixed", delay: 1000 } },
        workerOptions: { lockDuration: 5000, stalledInterval: 2000 },
      },
    },
    [Modules.WORKFLOW_ENGINE]: {
      resolve: "@medusajs/medusa/workflow-engine-redis",
      options: { redis: { redisUrl } },
    },
    [Modules.LOCKING]: {
      resolve: "@medusajs/medusa/locking",
      options: {
        providers: [
          { resolve: "@medusajs/medusa/locking-redis", id: "locking-redis", is_default: true, options: { redisUrl } },
        ],
      },
    },
  },
}
