import { asValue } from "@medusajs/framework/awilix"
import { ContainerRegistrationKeys, createMedusaContainer, generateEntityId } from "@medusajs/framework/utils"
import type { DueCursor, DuePage } from "../../src/lib/db"
import { attempt, attemptEachDue, forEachDue, forEachPage, PageCursor, ulidFloor } from "../../src/lib/shared/pages"

const ids = (n: number) => Array.from({ length: n }, (_, i) => `id_${String(i).padStart(3, "0")}`)

describe("the paging helper of the scheduled passes", () => {
  it("reads offset pages until a short page and hands each page over once", async () => {
    const all = ids(7)
    const reads: PageCursor[] = []
    const seen: string[][] = []
    await forEachPage(
      async (cursor) => {
        reads.push({ ...cursor })
        return all.slice(cursor.skip, cursor.skip + 3)
      },
      async (page) => {
        seen.push(page)
      },
      { size: 3, until: "short" }
    )
    expect(seen).toEqual([all.slice(0, 3), all.slice(3, 6), all.slice(6)])
    expect(reads.map((r) => r.skip)).toEqual([0, 3, 6])
  })

  it("continues a keyset read after the key of the previous page's last item", async () => {
    const all = ids(5).map((id) => ({ id }))
    const afters: (string | null)[] = []
    const seen: string[] = []
    await forEachPage(
      async ({ after }) => {
        afters.push(after)
        return all.filter((row) => after === null || row.id > after).slice(0, 2)
      },
      async (page) => {
        seen.push(...page.map((row) => row.id))
      },
      { size: 2, until: "empty", key: (row) => row.id }
    )
    expect(seen).toEqual(all.map((row) => row.id))
    expect(afters).toEqual([null, "id_001", "id_003", "id_004"])
  })

  it("works a due queue in keyset pages: each item once, failures and items left due behind the cursor", async () => {
    // A queue ordered by id; an item leaves it once its run succeeds, failing items stay due.
    const due = new Set(ids(7))
    const failing = new Set(["id_001", "id_004"])
    const afters: (string | null)[] = []
    const runs: string[] = []
    const read = async (after: DueCursor | null): Promise<DuePage<string>> => {
      afters.push(after?.id ?? null)
      const page = [...due].sort().filter((id) => !after || id > after.id).slice(0, 3)
      return { items: page, next: page.length < 3 ? null : { at: "2030-01-01 00:00:00+00", id: page[page.length - 1] } }
    }
    const container = createMedusaContainer()
    container.register(ContainerRegistrationKeys.LOGGER, asValue({ error: () => undefined }))
    const succeeded = await attemptEachDue(container, {
      read,
      what: (id) => `running ${id}`,
      run: async (id) => {
        runs.push(id)
        if (failing.has(id)) throw new Error("lock timeout")
        due.delete(id)
      },
    })
    expect(runs).toEqual(ids(7))
    expect(succeeded).toBe(5)
    expect([...due].sort()).toEqual(["id_001", "id_004"])
    // one read per page, each after the last item of the page before: no item read twice, no re-read from the start
    expect(afters).toEqual([null, "id_002", "id_005"])
  })

  it("reads pages whose items a read left out until the read says the queue ends", async () => {
    // The read scanned 3 rows a page but kept only some: a short page of items is not the end.
    const pages: DuePage<string>[] = [
      { items: ["a"], next: { at: "t", id: "3" } },
      { items: [], next: { at: "t", id: "6" } },
      { items: ["g", "h"], next: null },
    ]
    const seen: string[] = []
    await forEachDue(
      async () => pages.shift()!,
      async (item) => {
        seen.push(item)
      }
    )
    expect(seen).toEqual(["a", "g", "h"])
    expect(pages).toEqual([])
  })

  it("works a due queue with a cursor of the read's own (the tier-drop claims go on after a customer id)", async () => {
    const afters: (string | null)[] = []
    const pages = [
      { items: ["r1"], next: "cus_3" },
      { items: [], next: "cus_6" },
      { items: ["r2"], next: null },
    ]
    const seen: string[] = []
    await forEachDue<string, string>(
      async (after) => {
        afters.push(after)
        return pages.shift()!
      },
      async (item) => {
        seen.push(item)
      }
    )
    expect(afters).toEqual([null, "cus_3", "cus_6"])
    expect(seen).toEqual(["r1", "r2"])
  })

  it("starts a keyset read over Medusa's ids at a date: ids made since sort at or after it, earlier ones before", () => {
    const before = new Date()
    const id = generateEntityId(undefined, "order")
    const after = new Date(Date.now() + 1)
    expect(id >= `order_${ulidFloor(before)}`).toBe(true)
    expect(id < `order_${ulidFloor(after)}`).toBe(true)
    // the time part is ten Crockford base-32 digits of the milliseconds
    expect(ulidFloor(new Date(0))).toBe("0".repeat(26))
    expect(ulidFloor(new Date(32))).toBe(`${"0".repeat(8)}10${"0".repeat(16)}`)
  })

  it("logs a failing item's error with what it was and reports it instead of throwing", async () => {
    const logged: string[] = []
    const container = createMedusaContainer()
    container.register(ContainerRegistrationKeys.LOGGER, asValue({ error: (message: string) => logged.push(message) }))
    const failed = await attempt(container, "Loyalty: releasing points of order order_1", async () => {
      throw new Error("lock timeout")
    })
    const done = await attempt(container, "Loyalty: releasing points of order order_2", async () => 42)
    expect(failed).toEqual({ ok: false })
    expect(done).toEqual({ ok: true, value: 42 })
    expect(logged).toEqual(["Loyalty: releasing points of order order_1 failed: lock timeout"])
  })
})
