import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import pLimit from "p-limit"

/**
 * How many order awards one process runs at a time. An award is about 15 ms
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
 * The longest an award waits for the checkouts answering when its order was
 * placed: a completion that hangs (a slow payment provider) holds the awards
 * back no longer than this.
 */
export const CHECKOUT_ANSWER_WAIT_MS = 2_000

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

/** The store's cart completions whose response has not closed yet, each settled when it closes. */
const answering = new Set<Promise<void>>()

/**
 * A cart completion starts answering its shopper (the store route's
 * middleware); the returned function, called when the response closes,
 * settles it. Calling it again does nothing.
 */
export function startCheckoutAnswer(): () => void {
  let settle!: () => void
  const answer = new Promise<void>((resolve) => (settle = resolve))
  answering.add(answer)
  return () => {
    answering.delete(answer)
    settle()
  }
}

/**
 * Settles when every cart completion answering now has answered (its
 * response closed), or after `maxMs`, whichever comes first; at once when
 * none is answering. Completions that start later are not waited for.
 */
export function checkoutsAnswered(maxMs = CHECKOUT_ANSWER_WAIT_MS): Promise<void> {
  if (!answering.size) return Promise.resolve()
  let timer: NodeJS.Timeout | undefined
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, maxMs)
    timer.unref()
  })
  return Promise.race([Promise.all(answering).then(() => undefined), waited]).finally(() => clearTimeout(timer))
}

/**
 * Run an order's award (`order.placed`) in this process's award lane when
 * the process also serves requests (`workerMode` "shared", the default, or
 * "server"); a "worker" process serves none, so its awards run as its event
 * bus hands them over, at the bus's own concurrency.
 *
 * In a process that serves requests the award first waits for the cart
 * completions answering when its order was placed, its own among them:
 * Medusa's local event bus hands `order.placed` to the subscribers as soon as
 * the complete-cart workflow ends, while the store route is still reading
 * the order for its response, and the award would otherwise share the event
 * loop with that read. The shopper's "place order" is answered first; the
 * points are written a moment later (they are pending either way).
 */
export function inAwardLane<T>(container: MedusaContainer, award: () => Promise<T>): Promise<T> {
  const { projectConfig } = container.resolve(ContainerRegistrationKeys.CONFIG_MODULE)
  if (projectConfig.workerMode === "worker") return award()
  return checkoutsAnswered().then(() => awardLane(award))
}
