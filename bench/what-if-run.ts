import { createHash } from "crypto"
import { readFileSync, writeFileSync } from "fs"
import type { ExecArgs } from "@medusajs/framework/types"
import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { whatIfWorkflow } from "../src/workflows/what-if"
import { sampleRss } from "./lib/rss"

/**
 * Run inside the store by `npm run bench:what-if` (through `medusa exec`):
 * times the what-if workflow over the generated history (last 12 months:
 * the earn rate doubled; then a lower first-tier threshold, which replays
 * with simulated tiers and reads the year before too) and samples this
 * process's memory meanwhile.
 */
export default async function benchWhatIf({ container }: ExecArgs) {
  const to = new Date(process.env.BENCH_NOW ?? Date.now())
  const memory = sampleRss()
  const pg = container.resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION)
  const timed = async (input: Parameters<ReturnType<typeof whatIfWorkflow>["run"]>[0]) => {
    const pgBefore = await postgresCpu(pg)
    const cpuBefore = process.cpuUsage()
    const started = process.hrtime.bigint()
    const { result } = await whatIfWorkflow(container).run(input)
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const cpu = process.cpuUsage(cpuBefore)
    const pgAfter = await postgresCpu(pg)
    let pgSeconds = 0
    for (const [pid, ticks] of pgAfter) pgSeconds += (ticks - (pgBefore.get(pid) ?? 0)) / CLOCK_TICKS
    // CPU the run used (this process, and Postgres's backends of this database): on a shared machine, what the
    // run costs whatever the others' load; the wall time on an idle one is at least the larger of the two.
    return { seconds, node_cpu_s: (cpu.user + cpu.system) / 1e6, postgres_cpu_s: pgSeconds, result }
  }
  const rate = await timed({ input: { to, program: { earn_rates: { eur: 2 } } } })
  const tiers = await timed({
    input: {
      to,
      tiers: [
        { name: "Silver", rank: 1, metric: "points", threshold: 500, earn_multiplier: 1.25 },
        { name: "Gold", rank: 2, metric: "points", threshold: 1500, earn_multiplier: 1.5 },
      ],
    },
  })
  const { rss_before_mb, peak_rss_mb } = memory.stop()
  const summary = (r: typeof rate) => ({
    seconds: r.seconds,
    node_cpu_s: r.node_cpu_s,
    postgres_cpu_s: r.postgres_cpu_s,
    replay_ms: r.result.duration_ms,
    timings: r.result.timings,
    facts_filled: r.result.facts_filled,
    orders: r.result.orders,
    customers: r.result.customers,
    members: r.result.members,
    current_issued: r.result.current.issued,
    proposed_issued: r.result.proposed.issued,
    tier_moves: r.result.tier_moves,
    forward: r.result.forward ? { current: r.result.forward.current_points, proposed: r.result.forward.proposed_points } : null,
    most_affected: r.result.most_affected.slice(0, 3).map((a) => `${a.customer_id} ${a.delta}`),
    // Every figure of the answer but its timings: equal digests, equal answers (however the history was read).
    digest: createHash("sha256")
      .update(JSON.stringify({ ...r.result, duration_ms: 0, timings: null, facts_filled: 0 }))
      .digest("hex")
      .slice(0, 16),
  })
  const result = {
    to: to.toISOString(),
    rate: summary(rate),
    tiers: summary(tiers),
    rss_before_mb,
    peak_rss_mb,
  }
  if (process.env.BENCH_RESULT) writeFileSync(process.env.BENCH_RESULT, JSON.stringify(result, null, 2))
  console.log(JSON.stringify(result, null, 2))
}

/** Linux's clock ticks per second (`getconf CLK_TCK`), the unit of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = 100

/**
 * CPU time (user + system, in clock ticks) of each Postgres backend connected to this database, from
 * /proc (the bench runs on the database's machine). A backend that ends during a run is not counted.
 */
async function postgresCpu(pg: Knex): Promise<Map<number, number>> {
  const { rows } = await pg.raw(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
  const ticks = new Map<number, number>()
  for (const { pid } of rows as { pid: number }[]) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")
      ticks.set(pid, Number(fields[11]) + Number(fields[12]))
    } catch {
      // Not on this machine, or already gone.
    }
  }
  return ticks
}
