import { asValue } from "@medusajs/framework/awilix"
import { ContainerRegistrationKeys, createMedusaContainer } from "@medusajs/framework/utils"
import { attempt, forEachDue, forEachPage, PageCursor } from "../../src/lib/shared/pages"

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

  it("works a due queue down until nothing is due, setting aside the items that fail", async () => {
    const due = new Set(ids(5))
    const failing = new Set(["id_001", "id_003"])
    const runs: string[] = []
    const takes: number[] = []
    await forEachDue(
      2,
      async (take) => {
        takes.push(take)
        return [...due].sort().slice(0, take)
      },
      (id) => id,
      async (id) => {
        runs.push(id)
        if (failing.has(id)) return true
        due.delete(id)
        return false
      }
    )
    expect(runs.sort()).toEqual(ids(5))
    expect([...due].sort()).toEqual(["id_001", "id_003"])
    // each read asks for as many more as were set aside, so set-aside items never starve a page
    expect(takes).toEqual([2, 3, 4, 4])
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
