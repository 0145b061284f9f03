import type { MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"

type ClaimInput = { now: Date; days: number }

/**
 * A step of a reminder pass (points expiring, tiers dropping): it claims
 * everything due for a reminder within `days` of `now` that was not claimed
 * yet, marking each one claimed as it reads it, so a second run or two
 * workers at once remind nobody twice; `days` 0 claims nothing (the reminder
 * is off). Compensation unclaims what it claimed (by `key`), so a run whose
 * events could not be emitted is redone by the next one. So the reminder
 * steps differ only in what they claim.
 */
export function createClaimStep<Service, T>(
  id: string,
  service: (container: MedusaContainer) => Service,
  reminders: {
    claim: (service: Service, now: Date, days: number) => Promise<T[]>
    key: (claimed: T) => string
    unclaim: (service: Service, keys: string[], claimed_at: Date) => Promise<unknown>
  }
) {
  return createStep<ClaimInput, T[], { keys: string[]; claimed_at: Date }>(
    id,
    async (input, { container }) => {
      const now = new Date(input.now)
      const claimed = input.days > 0 ? await reminders.claim(service(container), now, input.days) : []
      return new StepResponse(claimed, { keys: claimed.map(reminders.key), claimed_at: now })
    },
    async (claim, { container }) => {
      if (claim?.keys.length) await reminders.unclaim(service(container), claim.keys, claim.claimed_at)
    }
  )
}
