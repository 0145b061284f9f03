import { createMembershipStep } from "./create-membership-step"

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
export const setTierOverrideStep = createMembershipStep(
  setTierOverrideStepId,
  (service, input: SetTierOverrideStepInput) =>
    service.setOverride({
      ...input,
      ends_at: input.ends_at ? new Date(input.ends_at) : null,
      now: new Date(input.now),
    })
)
