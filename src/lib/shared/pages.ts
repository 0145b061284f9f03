import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

/**
 * The loops of the scheduled passes (release, expiry, tiers, referrals,
 * coupons): read a list a page at a time and work through each page, one
 * item's workflow at a time, without one failing item stopping the pass.
 * Written once here so every job pages, stops and skips failures the same way.
 */

/** Where the next read starts. */
export type PageCursor = {
  /** How many items the earlier pages held (offset paging). */
  skip: number
  /** `key` of the previous page's last item (keyset paging); null for the first page. */
  after: string | null
}

export type PageOptions<T> = {
  /** Items a read asks for. */
  size: number
  /**
   * `short`: the list stays put while it is read (offset or keyset paging):
   * stop after a page shorter than `size`.
   * `empty`: read until a read returns nothing (keyset paging where a short
   * page may not be the last, or a due queue that the work itself empties,
   * read from the start each time).
   */
  until: "short" | "empty"
  /** What keyset paging continues after (the cursor's `after`). */
  key?: (item: T) => string
}

/** Read pages with `read` and hand each to `each`, one page at a time, until the list ends. */
export async function forEachPage<T>(
  read: (cursor: PageCursor) => Promise<T[]>,
  each: (page: T[]) => Promise<void>,
  options: PageOptions<T>
): Promise<void> {
  const cursor: PageCursor = { skip: 0, after: null }
  for (;;) {
    const page = await read(cursor)
    if (!page.length) return
    await each(page)
    if (options.until === "short" && page.length < options.size) return
    cursor.skip += page.length
    cursor.after = options.key ? options.key(page[page.length - 1]) : null
  }
}

/**
 * Work through a due queue: read up to `size` due items (asking for more by
 * as many as were set aside, which are left out), run each, read again until
 * nothing is due. `run` returns true to set its item aside for the rest of
 * the pass (it failed, or must be tried only once a pass), so the pass ends
 * even when an item stays due.
 */
export async function forEachDue<T>(
  size: number,
  read: (take: number) => Promise<T[]>,
  key: (item: T) => string,
  run: (item: T) => Promise<boolean>
): Promise<void> {
  const setAside = new Set<string>()
  await forEachPage(
    async () => (await read(size + setAside.size)).filter((item) => !setAside.has(key(item))),
    async (page) => {
      for (const item of page) {
        if (await run(item)) setAside.add(key(item))
      }
    },
    { size, until: "empty" }
  )
}

/** What `attempt` needs of the container: Medusa's logger. */
export type LoggerScope = Pick<MedusaContainer, "resolve">

export type Attempt<R> = { ok: true; value: R } | { ok: false }

/**
 * Run one item's own workflow inside a pass. A failure is logged as
 * `<what> failed: <message>` and returned as `{ ok: false }` instead of
 * thrown, so one item never blocks everyone else's (the next run retries it).
 */
export async function attempt<R>(container: LoggerScope, what: string, run: () => Promise<R>): Promise<Attempt<R>> {
  try {
    return { ok: true, value: await run() }
  } catch (error) {
    container.resolve(ContainerRegistrationKeys.LOGGER).error(`${what} failed: ${(error as Error).message}`)
    return { ok: false }
  }
}

/**
 * A due queue whose every item is one workflow run (`forEachDue` with
 * `attempt`): a failing run is logged and its item set aside for this pass,
 * and so is an item whose run did not settle it (`settles` false: it may
 * still be due, so it is tried once a pass). Returns what the successful
 * runs returned.
 */
export async function attemptEachDue<T, R>(
  container: LoggerScope,
  options: {
    size: number
    read: (take: number) => Promise<T[]>
    key: (item: T) => string
    /** What the log calls the item's run, e.g. "Loyalty: releasing points of order order_1". */
    what: (item: T) => string
    run: (item: T) => Promise<R>
    settles?: (value: R) => boolean
  }
): Promise<R[]> {
  const done: R[] = []
  await forEachDue(options.size, options.read, options.key, async (item) => {
    const result = await attempt(container, options.what(item), () => options.run(item))
    if (!result.ok) return true
    done.push(result.value)
    return options.settles ? !options.settles(result.value) : false
  })
  return done
}
