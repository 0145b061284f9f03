import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MembershipWrite, TierOverrideRecord } from "../../../modules/loyalty-tiers/types"
import { tiersService } from "./resolve-service"
import { restore } from "./restore-membership"

export const setTierOverrideStepId = "loyalty-set-tier-override-step"

export type SetTierOverrideStepInput = {
  customer_id: string
  tier_id: string | null
  reason: string
  actor_id: string
  ends_at: Date | string | null
  now: Date | string
}

/** Staff set a tier with a reason and an end date; compensation takes the override back. */
export const setTierOverrideStep = createStep(
  setTierOverrideStepId,
  async (input: SetTierOverrideStepInput, { container }) => {
    const write = await tiersService(container).setOverride({
      ...input,
      ends_at: input.ends_at ? new Date(input.ends_at) : null,
      now: new Date(input.now),
    })
    return new StepResponse<MembershipWrite & { override: TierOverrideRecord }, MembershipWrite>(write, write)
  },
  restore
)
