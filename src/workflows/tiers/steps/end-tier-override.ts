import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MembershipWrite } from "../../../modules/loyalty-tiers/types"
import { tiersService } from "./resolve-service"
import { restore } from "./restore-membership"

export const endTierOverrideStepId = "loyalty-end-tier-override-step"

export type EndTierOverrideStepInput = {
  customer_id: string
  now: Date | string
  /** Staff ending it by hand (then a missing override is a 404); null = the daily job. */
  actor_id: string | null
  reason: string | null
}

/** End the active override; the earned tier is in effect again. Compensation reopens it. */
export const endTierOverrideStep = createStep(
  endTierOverrideStepId,
  async (input: EndTierOverrideStepInput, { container }) => {
    const write = await tiersService(container).endOverride({ ...input, now: new Date(input.now) })
    if (!write && input.actor_id) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Customer ${input.customer_id} has no active tier override`)
    }
    return new StepResponse<MembershipWrite | null, MembershipWrite | null>(write, write)
  },
  restore
)
