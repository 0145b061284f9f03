import { MedusaError } from "@medusajs/framework/utils"
import { createMembershipStep } from "./create-membership-step"

export const endTierOverrideStepId = "loyalty-end-tier-override-step"

export type EndTierOverrideStepInput = {
  customer_id: string
  now: Date | string
  /** Staff ending it by hand (then a missing override is a 404); null = the daily job. */
  actor_id: string | null
  reason: string | null
}

/** End the active override; the earned tier is in effect again. Compensation reopens it. */
export const endTierOverrideStep = createMembershipStep(
  endTierOverrideStepId,
  async (service, input: EndTierOverrideStepInput) => {
    const write = await service.endOverride({ ...input, now: new Date(input.now) })
    if (!write && input.actor_id) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Customer ${input.customer_id} has no active tier override`)
    }
    return write
  }
)
