import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { DueCursor, DuePage } from "../db"

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
 * Work through a due queue in keyset order: read a page of what is due after
 * where the previous page ended, run each item, and go on from that page's
 * end until a read says the queue ends. Items that failed or stayed due lie
 * behind the cursor, so the pass never reads them again and always ends;
 * each read is one index range, so the pass costs the same per item whether
 * ten or a million are due, and holds one page at a time. The cursor is a
 * `DueCursor` (due at, id) unless the read keeps another (`C`: a customer id).
 */
export async function forEachDue<T, C = DueCursor>(
  read: (after: C | null) => Promise<{ items: T[]; next: C | null }>,
  run: (item: T) => Promise<void>
): Promise<void> {
  let after: C | null = null
  for (;;) {
    const page: { items: T[]; next: C | null } = await read(after)
    for (const item of page.items) await run(item)
    if (!page.next) return
    after = page.next
  }
}

/** A due page as one item: for passes whose unit of work is a whole page (a batch workflow, one set-based check). */
export function asOneBatch<T>(page: DuePage<T>): DuePage<T[]> {
  return { items: page.items.length ? [page.items] : [], next: page.next }
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
 * `attempt`): a failing run is logged and the pass goes on; the next pass
 * tries its item again. Returns how many runs succeeded; `run` counts what
 * else the caller reports, so nothing of the pass accumulates.
 */
export async function attemptEachDue<T>(
  container: LoggerScope,
  options: {
    read: (after: DueCursor | null) => Promise<DuePage<T>>
    /** What the log calls the item's run, e.g. "Loyalty: releasing points of order order_1". */
    what: (item: T) => string
    run: (item: T) => Promise<void>
  }
): Promise<number> {
  let done = 0
  await forEachDue(options.read, async (item) => {
    if ((await attempt(container, options.what(item), () => options.run(item))).ok) done++
  })
  return done
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

/**
 * The smallest ULID of `at` (its 10-character time part, then zeros):
 * Medusa's ids are a prefix and a ULID, so ids sort by creation time, and
 * `id >= prefix + ulidFloor(since)` starts a keyset read over the primary
 * key at `since` without an index on `created_at` (Medusa's `order` has none).
 */
export function ulidFloor(at: Date): string {
  let time = at.getTime()
  let out = ""
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[time % 32] + out
    time = Math.floor(time / 32)
  }
  return out + "0".repeat(16)
}
