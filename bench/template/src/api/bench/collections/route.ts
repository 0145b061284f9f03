import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { constants, type NodeGCPerformanceDetail, PerformanceObserver } from "perf_hooks"

/** Major (mark-compact) collections since boot: [wall-clock start in ms, pause in ms], the last 10,000. */
const collections: [number, number][] = []

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const { detail } = entry as PerformanceEntry & { detail?: NodeGCPerformanceDetail }
    if (detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue
    collections.push([performance.timeOrigin + entry.startTime, entry.duration])
    if (collections.length > 10_000) collections.shift()
  }
}).observe({ entryTypes: ["gc"] })

/**
 * Bench only (both bench stores have this route): the major garbage
 * collections since `?since=` (wall-clock ms). A major collection comes every
 * few checkouts in both stores, and the request it lands in takes 100 to 150
 * ms longer (its pause and the concurrent marking beside it on two cores):
 * the bench counts, per step, the requests one landed in, so that a p95 of a
 * few dozen requests can be read for what it is.
 */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const since = Number(req.query.since ?? 0)
  res.json({ collections: collections.filter(([start, pause]) => start + pause >= since) })
}
