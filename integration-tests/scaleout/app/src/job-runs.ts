import Redis from "ioredis"

/** Redis list the scale-out test reads: one JSON record per job run. */
export const JOB_RUNS_KEY = "scaleout:job-runs"
/** While this key exists the jobs record their tick but leave the plugin's work for later. */
export const JOBS_PAUSED_KEY = "scaleout:jobs-paused"

let redis: Redis | undefined
const client = () => (redis ??= new Redis(process.env.REDIS_URL as string, { maxRetriesPerRequest: 3 }))

/**
 * The test app's jobs are the plugin's jobs on a schedule of seconds instead
 * of hours, each run recorded with the tick it was scheduled for and the
 * process that ran it, so the test can count runs per tick across workers.
 */
export const testSchedule = () => ({ interval: Number(process.env.SCALEOUT_JOB_INTERVAL_MS || 4000) })

export async function recordJobRun(
  name: string,
  context: { scheduledFor?: Date } | undefined,
  run: () => Promise<unknown>
) {
  const startedAt = new Date().toISOString()
  const paused = (await client().exists(JOBS_PAUSED_KEY)) === 1
  let error: string | null = null
  if (!paused) {
    try {
      await run()
    } catch (e) {
      error = (e as Error).message
    }
  }
  await client().rpush(
    JOB_RUNS_KEY,
    JSON.stringify({
      name,
      scheduledFor: context?.scheduledFor ? new Date(context.scheduledFor).toISOString() : null,
      startedAt,
      finishedAt: new Date().toISOString(),
      pid: process.pid,
      mode: process.env.MEDUSA_WORKER_MODE,
      paused,
      error,
    })
  )
}
