import { writeFileSync } from "fs"
import type { ExecArgs, MedusaContainer } from "@medusajs/framework/types"
import evaluateReferralsJob from "../src/jobs/evaluate-referrals"
import evaluateTiersJob from "../src/jobs/evaluate-tiers"
import expirePointsJob from "../src/jobs/expire-points"
import releasePendingPointsJob from "../src/jobs/release-pending-points"
import { sampleRss } from "./lib/rss"
import { trackSubscribers } from "./lib/subscribers"

/** The scheduled job that works each kind of due row (the cron's own function, `now` = the clock). */
const JOBS: Record<string, (container: MedusaContainer) => Promise<void>> = {
  release: releasePendingPointsJob,
  "catch-up": releasePendingPointsJob,
  expire: expirePointsJob,
  tiers: evaluateTiersJob,
  referrals: evaluateReferralsJob,
}

/**
 * Run inside the store by `npm run bench:jobs` (through `medusa exec`): runs
 * one scheduled job over the due rows bench/jobs.js wrote, timed, sampling
 * this process's memory meanwhile. `seconds`: until the job returns;
 * `drained_seconds`: until the subscribers its events started (in this
 * process, on the local event bus) are done too; the peak RSS covers both.
 */
export default async function benchJob({ container }: ExecArgs) {
  const job = JOBS[process.env.BENCH_JOB ?? ""]
  if (!job) throw new Error(`BENCH_JOB must be one of ${Object.keys(JOBS).join(", ")}`)
  const subscribers = trackSubscribers(container)
  const rss = sampleRss()
  const started = process.hrtime.bigint()
  await job(container)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  await subscribers.drained()
  // The quiet half-second that says they are done is not theirs.
  const drained_seconds = Math.max(seconds, Number(process.hrtime.bigint() - started) / 1e9 - 0.5)
  const result = { job: process.env.BENCH_JOB, seconds, drained_seconds, subscriber_calls: subscribers.calls(), ...rss.stop() }
  if (process.env.BENCH_RESULT) writeFileSync(process.env.BENCH_RESULT, JSON.stringify(result))
  console.log(JSON.stringify(result))
}
