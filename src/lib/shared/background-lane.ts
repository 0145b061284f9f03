import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import pLimit from "p-limit"

/**
 * How many order awards one process runs at a time. An award is about 20 ms
 * of CPU and a dozen round trips to Postgres; with the local event bus, every
 * order placed starts its award on the same event loop as the requests of the
 * shoppers still checking out, and a burst of orders (a sale, 8 shoppers
 * completing together) would otherwise run all its awards at once: each
 * completion then waits behind its peers' awards, and the awards hold as many
 * of the pool's connections. Two at a time keeps the awards' Postgres waits
 * overlapping without letting them crowd the requests. An award that waits its
 * turn is not lost work: its event is handled when the turn comes, and the
 * release job's catch-up awards any order whose event never was (a stop).
 */
export const AWARD_CONCURRENCY = 2

/**
 * A lane for background work that should yield to shoppers' requests: at most
 * `concurrency` of its tasks run at once in this process, the rest wait in
 * arrival order. Each task's result or error goes to its own caller, so a
 * subscriber that awaits its task still fails (and is retried by a bus that
 * retries) as it did when it ran alone.
 */
export function backgroundLane(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  const limit = pLimit(concurrency)
  return (task) => limit(task)
}

const awardLane = backgroundLane(AWARD_CONCURRENCY)

/**
 * Run an order's award (`order.placed`) in this process's award lane when
 * the process also serves requests (`workerMode` "shared", the default, or
 * "server"); a "worker" process serves none, so its awards run as its event
 * bus hands them over, at the bus's own concurrency.
 */
export function inAwardLane<T>(container: MedusaContainer, award: () => Promise<T>): Promise<T> {
  const { projectConfig } = container.resolve(ContainerRegistrationKeys.CONFIG_MODULE)
  return projectConfig.workerMode === "worker" ? award() : awardLane(award)
}
