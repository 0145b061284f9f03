import { backgroundLane } from "../../src/lib/shared/background-lane"

/** A task that runs until `finish` is called, noting how many of the lane's tasks run beside it. */
function controlledTasks() {
  let running = 0
  let most = 0
  const started: number[] = []
  const finishers = new Map<number, (value: number) => void>()
  const task = (n: number) => () =>
    new Promise<number>((resolve) => {
      running++
      most = Math.max(most, running)
      started.push(n)
      finishers.set(n, (value) => {
        running--
        resolve(value)
      })
    })
  const finish = (n: number) => finishers.get(n)!(n)
  return { task, finish, started, most: () => most }
}

const turn = () => new Promise((resolve) => setImmediate(resolve))

describe("background lane (order awards)", () => {
  it("runs at most its concurrency of tasks at once, the rest in arrival order as turns free up", async () => {
    const lane = backgroundLane(2)
    const { task, finish, started, most } = controlledTasks()
    const results = [1, 2, 3, 4, 5].map((n) => lane(task(n)))
    await turn()
    expect(started).toEqual([1, 2])
    finish(2)
    await turn()
    expect(started).toEqual([1, 2, 3])
    finish(1)
    finish(3)
    await turn()
    expect(started).toEqual([1, 2, 3, 4, 5])
    finish(4)
    finish(5)
    await expect(Promise.all(results)).resolves.toEqual([1, 2, 3, 4, 5])
    expect(most()).toBe(2)
  })

  it("gives each caller its own task's failure and keeps serving the others", async () => {
    const lane = backgroundLane(1)
    const failing = lane(() => Promise.reject(new Error("award failed")))
    const next = lane(() => Promise.resolve("awarded"))
    await expect(failing).rejects.toThrow("award failed")
    await expect(next).resolves.toBe("awarded")
  })
})
