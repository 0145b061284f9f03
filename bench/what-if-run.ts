import { createHash } from "crypto"
import { writeFileSync } from "fs"
import type { ExecArgs } from "@medusajs/framework/types"
import { whatIfWorkflow } from "../src/workflows/what-if"

/**
 * Run inside the store by `npm run bench:what-if` (through `medusa exec`):
 * times the what-if workflow over the generated history (last 12 months:
 * the earn rate doubled; then a lower first-tier threshold, which replays
 * with simulated tiers and reads the year before too) and samples this
 * process's memory meanwhile.
 */
export default async function benchWhatIf({ container }: ExecArgs) {
  const to = new Date(process.env.BENCH_NOW ?? Date.now())
  global.gc?.()
  const rssBefore = process.memoryUsage().rss
  let peakRss = rssBefore
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
  }, 25)
  const timed = async (input: Parameters<ReturnType<typeof whatIfWorkflow>["run"]>[0]) => {
    const started = process.hrtime.bigint()
    const { result } = await whatIfWorkflow(container).run(input)
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result }
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
  clearInterval(sampler)
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
  const summary = (r: typeof rate) => ({
    seconds: r.seconds,
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
    rss_before_mb: rssBefore / 2 ** 20,
    peak_rss_mb: peakRss / 2 ** 20,
  }
  if (process.env.BENCH_RESULT) writeFileSync(process.env.BENCH_RESULT, JSON.stringify(result, null, 2))
  console.log(JSON.stringify(result, null, 2))
}
