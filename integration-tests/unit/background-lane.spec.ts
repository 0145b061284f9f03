import { EventEmitter } from "node:events"
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { markCheckoutAnswering } from "../../src/api/store/carts/checkout-answer"
import { backgroundLane, checkoutsAnswered, startCheckoutAnswer } from "../../src/lib/shared/background-lane"

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

  it("holds an award back until the checkouts answering when its order arrives have answered, not the ones after", async () => {
    const answerOwn = startCheckoutAnswer()
    const answerOther = startCheckoutAnswer()
    let started = false
    const award = checkoutsAnswered().then(() => {
      started = true
    })
    const answerLater = startCheckoutAnswer()
    answerOwn()
    await turn()
    expect(started).toBe(false)
    answerOther()
    await award
    expect(started).toBe(true)
    answerLater()
  })

  it("holds an award back no longer than its bound when a checkout never answers", async () => {
    const answerHung = startCheckoutAnswer()
    const since = Date.now()
    await checkoutsAnswered(50)
    expect(Date.now() - since).toBeGreaterThanOrEqual(45)
    answerHung()
  })

  it("lets an award start at once when no checkout is answering, and a second answer changes nothing", async () => {
    const answer = startCheckoutAnswer()
    answer()
    answer()
    let started = false
    const award = checkoutsAnswered(60_000).then(() => {
      started = true
    })
    await Promise.resolve()
    await Promise.resolve()
    expect(started).toBe(true)
    await award
  })

  it("holds awards back while the store's complete route is answering, until its response closes", async () => {
    const res = new EventEmitter()
    let continued = false
    markCheckoutAnswering({} as MedusaRequest, res as unknown as MedusaResponse, () => {
      continued = true
    })
    expect(continued).toBe(true)
    let started = false
    const award = checkoutsAnswered().then(() => {
      started = true
    })
    await turn()
    expect(started).toBe(false)
    res.emit("close")
    await award
    expect(started).toBe(true)
  })
})
