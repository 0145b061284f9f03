import { writeFileSync } from "fs"
import type { ExecArgs } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { recomputeInsightsWorkflow } from "../src/workflows/insights"
import { sampleRss } from "./lib/rss"

/**
 * Run inside the store by `npm run bench:insights` (through `medusa exec`):
 * times a hand-written single-query RFM baseline and the plugin's full
 * recompute on the same data, and samples this process's memory meanwhile.
 */
const BASELINE = `
  CREATE TABLE bench_rfm_baseline AS
  SELECT customer_id, last_at, frequency, monetary,
         ntile(5) OVER (ORDER BY last_at) AS r_score,
         ntile(5) OVER (ORDER BY frequency) AS f_score,
         ntile(5) OVER (ORDER BY monetary) AS m_score
    FROM (SELECT o.customer_id, max(o.created_at) AS last_at, count(*) AS frequency,
                 sum((s.totals->>'current_order_total')::numeric) AS monetary
            FROM "order" o
            JOIN order_summary s ON s.order_id = o.id AND s.version = o.version AND s.deleted_at IS NULL
           WHERE o.deleted_at IS NULL AND o.customer_id IS NOT NULL AND o.status NOT IN ('draft', 'canceled')
             AND o.created_at <= ?
           GROUP BY o.customer_id) AS x`

export default async function benchRecompute({ container }: ExecArgs) {
  const knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  const now = new Date(process.env.BENCH_NOW ?? Date.now())
  const time = async (fn: () => Promise<unknown>) => {
    const started = process.hrtime.bigint()
    await fn()
    return Number(process.hrtime.bigint() - started) / 1e9
  }
  const baseline = async () => {
    await knex.raw("DROP TABLE IF EXISTS bench_rfm_baseline")
    return await time(() => knex.raw(BASELINE, [now]))
  }
  // Warm the cache once for both, then time each.
  await baseline()
  const baselineSeconds = await baseline()
  const baselineRows = Number((await knex.raw("SELECT count(*) AS n FROM bench_rfm_baseline")).rows[0].n)
  await knex.raw("DROP TABLE IF EXISTS bench_rfm_baseline")

  const memory = sampleRss()
  let run: Awaited<ReturnType<ReturnType<typeof recomputeInsightsWorkflow>["run"]>>["result"] | undefined
  const recomputeSeconds = await time(async () => {
    ;({ result: run } = await recomputeInsightsWorkflow(container).run({ input: { now, triggered_by: "bench" } }))
  })
  const { rss_before_mb, peak_rss_mb } = memory.stop()

  const result = {
    now: now.toISOString(),
    baseline_seconds: baselineSeconds,
    baseline_rows: baselineRows,
    recompute_seconds: recomputeSeconds,
    ratio: recomputeSeconds / baselineSeconds,
    rss_before_mb,
    peak_rss_mb,
    max_rss_process_mb: (process.resourceUsage().maxRSS * 1024) / 2 ** 20,
    run: run && {
      id: run.id,
      status: run.status,
      customers: run.customers,
      model: run.model,
      model_reason: run.model_reason,
      params: run.params,
      segments: run.summary?.segments,
      timings: run.summary?.timings,
    },
  }
  if (process.env.BENCH_RESULT) {
    writeFileSync(process.env.BENCH_RESULT, JSON.stringify(result, null, 2))
  }
  console.log(JSON.stringify(result, null, 2))
}
