import type LoyaltyTiersModuleService from "../../../modules/loyalty-tiers/service"
import { createMembershipStep } from "./create-membership-step"

export const setTierOverrideStepId = "loyalty-set-tier-override-step"

type SetOverride = Parameters<LoyaltyTiersModuleService["setOverride"]>[0]

/** What the tiers module's `setOverride` takes (one definition of an override), its dates also as strings (the request's `ends_at`). */
export type SetTierOverrideStepInput = Omit<SetOverride, "ends_at" | "now"> & { ends_at: Date | string | null; now: Date | string }

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
