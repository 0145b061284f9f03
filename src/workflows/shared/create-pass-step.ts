import type { MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"

/**
 * A step of a scheduled pass (release, expiry, tiers, referrals, coupons):
 * it works through what is due as of `now`, each item in a workflow of its
 * own with its own compensation, and returns what it did. So the pass itself
 * has nothing to undo, and its steps differ only in what they work through.
 */
export function createPassStep<R>(id: string, pass: (now: Date, container: MedusaContainer) => Promise<R>) {
  return createStep<{ now: Date }, R, null>(id, async (input, { container }) => {
    const done: R = await pass(new Date(input.now), container)
    return new StepResponse(done, null)
  })
}
