import { sharedReads } from "../../src/lib/shared/shared-reads"

/** A read the test answers when it wants, counting how often it was sent. */
function controlledRead() {
  const answers: ((value: string) => void)[] = []
  const failures: ((error: Error) => void)[] = []
  const read = jest.fn(
    () =>
      new Promise<string>((resolve, reject) => {
        answers.push(resolve)
        failures.push(reject)
      })
  )
  return { read, answer: (n: number, value: string) => answers[n](value), fail: (n: number, error: Error) => failures[n](error) }
}

/** Past the turn in which the calls were made: the shared read has been sent. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

describe("shared reads", () => {
  it("sends one read for the calls of one turn under one key, one per other key, and one per call without a key", async () => {
    const shared = sharedReads<string>()
    const { read, answer } = controlledRead()
    const group = [1, 2, 3, 4, 5].map(() => shared("group_1", read))
    const other = shared("group_2", read)
    const alone = [shared(undefined, read), shared(undefined, read)]
    // The calls without a key read at once; the shared reads go at the end of the turn, in the order asked for.
    expect(read).toHaveBeenCalledTimes(2)
    await nextTurn()
    expect(read).toHaveBeenCalledTimes(4)
    answer(0, "first alone")
    answer(1, "second alone")
    answer(2, "group_1's")
    answer(3, "group_2's")
    expect(await Promise.all(group)).toEqual(Array(5).fill("group_1's"))
    expect(await other).toBe("group_2's")
    expect(await Promise.all(alone)).toEqual(["first alone", "second alone"])
  })

  it("never answers a call with a read that was sent before the call was made", async () => {
    const shared = sharedReads<string>()
    const { read, answer } = controlledRead()
    const before = shared("group_1", read)
    await nextTurn()
    expect(read).toHaveBeenCalledTimes(1)
    // The first read is on its way (say a settings change commits now): a call of the same group
    // made from here on gets a read of its own, sent after it asked.
    const after = shared("group_1", read)
    await nextTurn()
    expect(read).toHaveBeenCalledTimes(2)
    answer(0, "old settings")
    answer(1, "new settings")
    expect(await before).toBe("old settings")
    expect(await after).toBe("new settings")
  })

  it("fails the calls that shared a failed read, and reads again for the next call", async () => {
    const shared = sharedReads<string>()
    const { read, answer, fail } = controlledRead()
    const failed = [shared("group_1", read), shared("group_1", read)]
    await nextTurn()
    fail(0, new Error("connection lost"))
    await expect(Promise.all(failed)).rejects.toThrow("connection lost")
    await expect(failed[1]).rejects.toThrow("connection lost")
    const retried = shared("group_1", read)
    await nextTurn()
    answer(1, "read again")
    expect(await retried).toBe("read again")
    expect(read).toHaveBeenCalledTimes(2)
  })
})
