import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import type { EventEmitter } from "events"

type Listener = (...args: unknown[]) => unknown

/**
 * The subscriber work an event bus still has in this process. Medusa's local
 * event bus calls every subscriber without awaiting it (a page of 1,000
 * `loyalty.tier.changed` starts 1,000 notification workflows at once, which
 * outlive the job that emitted them), so a job's figures say nothing about
 * that work unless the bench waits for it: every listener registered at
 * boot is wrapped to count the calls still running. Benchmarks only; on the
 * Redis event bus the work goes to a queue instead and this finds nothing.
 */
export function trackSubscribers(container: MedusaContainer): { drained: () => Promise<void>; calls: () => number } {
  const bus = container.resolve(Modules.EVENT_BUS) as unknown as { eventEmitter_?: EventEmitter }
  const emitter = bus.eventEmitter_
  let running = 0
  let calls = 0
  if (emitter) {
    for (const name of emitter.eventNames()) {
      for (const listener of emitter.listeners(name) as Listener[]) {
        const wrapped: Listener = async (...args) => {
          running++
          calls++
          try {
            return await listener(...args)
          } finally {
            running--
          }
        }
        Object.assign(wrapped, listener)
        emitter.off(name, listener)
        emitter.on(name, wrapped)
      }
    }
  }
  return {
    calls: () => calls,
    /** Resolves once no subscriber has run for 500 ms (a subscriber's own events start new ones). */
    drained: async () => {
      let quietSince = Date.now()
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        if (running > 0) quietSince = Date.now()
        else if (Date.now() - quietSince >= 500) return
      }
    },
  }
}
