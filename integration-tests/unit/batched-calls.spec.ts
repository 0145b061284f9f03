import { batchedCalls, Outcome, pageOrEach } from "../../src/lib/shared/batched-calls"

/** A handler that records each batch it got and answers every item with its double, or fails on 13. */
function doubling() {
  const batches: number[][] = []
  const call = batchedCalls(
    async (items: number[]): Promise<Outcome<number>[]> => {
      batches.push(items)
      return items.map((item) => (item === 13 ? { ok: false, error: new Error("unlucky") } : { ok: true, value: item * 2 }))
    },
    { max: 3 }
  )
  return { call, batches }
}

describe("batchedCalls: the calls of one turn in one run (the subscribers of a release page)", () => {
  it("runs the calls made in one turn together and answers each with its own outcome", async () => {
    const { call, batches } = doubling()
    const answers = await Promise.allSettled([call(1), call(2), call(13)])
    expect(batches).toEqual([[1, 2, 13]])
    expect(answers).toEqual([
      { status: "fulfilled", value: 2 },
      { status: "fulfilled", value: 4 },
      { status: "rejected", reason: new Error("unlucky") },
    ])
  })

  it("splits a turn's calls into runs of at most `max`, and a call made once a run started waits for the next run", async () => {
    const { call, batches } = doubling()
    const first = Promise.all([1, 2, 3, 4, 5].map((item) => call(item)))
    expect(await first).toEqual([2, 4, 6, 8, 10])
    expect(batches).toEqual([[1, 2, 3], [4, 5]])
    expect(await call(6)).toBe(12)
    expect(batches).toEqual([[1, 2, 3], [4, 5], [6]])
  })

  it("a run that throws fails the calls of that run only", async () => {
    let runs = 0
    const call = batchedCalls(async (items: string[]): Promise<Outcome<string>[]> => {
      runs++
      if (runs === 1) throw new Error("database gone")
      return items.map((item) => ({ ok: true, value: item.toUpperCase() }))
    })
    await expect(Promise.all([call("a"), call("b")])).rejects.toThrow("database gone")
    expect(await call("c")).toBe("C")
  })
})

describe("pageOrEach: one set-based run, or each item on its own", () => {
  it("runs a page of several items once", async () => {
    const seen: string[] = []
    const outcomes = await pageOrEach([1, 2], {
      page: async (items) => void seen.push(`page ${items.join(",")}`),
      each: async (item) => void seen.push(`each ${item}`),
    })
    expect(seen).toEqual(["page 1,2"])
    expect(outcomes).toEqual([{ ok: true, value: undefined }, { ok: true, value: undefined }])
  })

  it("runs a single item on its own, and a failed page item by item, each with its own outcome", async () => {
    const seen: string[] = []
    const failures: unknown[] = []
    const runs = {
      page: async () => {
        throw new Error("page refused")
      },
      each: async (item: number) => {
        seen.push(`each ${item}`)
        if (item === 2) throw new Error("two refused")
      },
      pageFailed: (error: unknown) => failures.push(error),
    }
    expect(await pageOrEach([7], runs)).toEqual([{ ok: true, value: undefined }])
    expect(failures).toEqual([])
    const outcomes = await pageOrEach([1, 2, 3], runs)
    expect(failures).toEqual([new Error("page refused")])
    expect(seen).toEqual(["each 7", "each 1", "each 2", "each 3"])
    expect(outcomes).toEqual([{ ok: true, value: undefined }, { ok: false, error: new Error("two refused") }, { ok: true, value: undefined }])
  })
})
