import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

/**
 * One run for the calls made at the same moment, each call answered alone.
 *
 * Calls made in one turn of the event loop are gathered, and at the end of
 * the turn (`setImmediate`, after the promise callbacks already queued) `run`
 * gets their items together, at most `max` at a time, and answers each item
 * with an outcome of its own: one item's failure fails that call only. A call
 * made once the run has started waits for the next run. Nothing is kept
 * between runs.
 *
 * Made for the subscribers of a page's events: Medusa releases a workflow's
 * events (one event group) together, and the local event bus starts every
 * subscriber call of the group in the same turn, so the 500 releases of a
 * release page reach a subscriber as one batch, to be handled by one
 * set-based workflow instead of 500. On an event bus that hands over one
 * message at a time (Redis), a batch is one item.
 */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown }

export type BatchedCall<T, R> = (item: T) => Promise<R>

export function batchedCalls<T, R>(
  run: (items: T[]) => Promise<Outcome<R>[]>,
  options: { max?: number } = {}
): BatchedCall<T, R> {
  const max = options.max ?? 1_000
  type Waiting = { item: T; resolve: (value: R) => void; reject: (error: unknown) => void }
  let waiting: Waiting[] = []

  const flush = async () => {
    const batch = waiting
    waiting = []
    for (let start = 0; start < batch.length; start += max) {
      const calls = batch.slice(start, start + max)
      try {
        const outcomes = await run(calls.map((call) => call.item))
        calls.forEach((call, index) => {
          const outcome = outcomes[index]
          if (!outcome) call.reject(new Error("The batch gave no outcome for this call"))
          else if (outcome.ok) call.resolve(outcome.value)
          else call.reject(outcome.error)
        })
      } catch (error) {
        for (const call of calls) call.reject(error)
      }
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      if (!waiting.length) setImmediate(() => void flush())
      waiting.push({ item, resolve, reject })
    })
}

/**
 * Handle a batch with one set-based run (`page`), and when that fails, or
 * for a batch of one, each item with its own run (`each`), so an item's
 * outcome is its own: the page's run leaves nothing of itself when it
 * fails (it is a workflow with compensation), and the items go the way
 * they would have gone alone.
 */
export async function pageOrEach<T>(
  items: T[],
  runs: {
    page: (items: T[]) => Promise<void>
    each: (item: T) => Promise<void>
    /** Told why the page's run failed, before the items are run one by one. */
    pageFailed?: (error: unknown) => void
  }
): Promise<Outcome<void>[]> {
  if (items.length > 1) {
    try {
      await runs.page(items)
      return items.map(() => ({ ok: true, value: undefined }))
    } catch (error) {
      // Each item on its own below: its own error, if any, is the one its caller hears.
      runs.pageFailed?.(error)
    }
  }
  const outcomes: Outcome<void>[] = []
  for (const item of items) {
    try {
      await runs.each(item)
      outcomes.push({ ok: true, value: undefined })
    } catch (error) {
      outcomes.push({ ok: false, error })
    }
  }
  return outcomes
}

/**
 * A subscriber's handling of a page's events in one run: the calls one
 * container makes in a turn are gathered (`batchedCalls`) and handled with
 * `pageOrEach`, the page's failure logged as a warning that names `what`
 * ("Loyalty tiers: counting releases"). Returns the call each event makes.
 */
export function pagedHandling<T>(
  what: string,
  runs: (container: MedusaContainer) => { page: (items: T[]) => Promise<void>; each: (item: T) => Promise<void> }
): (container: MedusaContainer, item: T) => Promise<void> {
  const batches = new WeakMap<MedusaContainer, BatchedCall<T, void>>()
  return (container, item) => {
    let batch = batches.get(container)
    if (!batch) {
      const { page, each } = runs(container)
      batch = batchedCalls((items: T[]) =>
        pageOrEach(items, {
          page,
          each,
          pageFailed: (error) =>
            container.resolve(ContainerRegistrationKeys.LOGGER).warn(
              `${what}: ${items.length} together failed (${(error as Error).message}); one by one instead`
            ),
        })
      )
      batches.set(container, batch)
    }
    return batch(item)
  }
}
