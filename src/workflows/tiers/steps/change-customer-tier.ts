import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepExecutionContext, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MembershipWrite, TierOverrideRecord } from "../../../modules/loyalty-tiers/types"
import { tiersService } from "./resolve-service"

export const evaluateCustomerTierStepId = "evaluate-customer-tier"
export const reviewCustomerTierStepId = "review-customer-tier"
export const setTierOverrideStepId = "set-loyalty-tier-override"
export const endTierOverrideStepId = "end-loyalty-tier-override"

/** Every membership change is undone the same way: back to the state before, if nobody moved on since. */
const restore = async (write: MembershipWrite | null | undefined, { container }: StepExecutionContext) => {
  if (write) {
    await tiersService(container).restoreMembership(write)
  }
}

/** Upgrade (or keep longer) from the customer's activity in the current window; never a downgrade. */
export const evaluateCustomerTierStep = createStep(
  evaluateCustomerTierStepId,
  async (input: { customer_id: string; now: Date }, { container }) => {
    const write = await tiersService(container).evaluateCustomer(input.customer_id, new Date(input.now))
    return new StepResponse<MembershipWrite, MembershipWrite>(write, write)
  },
  restore
)

/** The period-end review, when it is due; nothing otherwise. */
export const reviewCustomerTierStep = createStep(
  reviewCustomerTierStepId,
  async (input: { customer_id: string; now: Date }, { container }) => {
    const write = await tiersService(container).reviewCustomer(input.customer_id, new Date(input.now))
    return new StepResponse<MembershipWrite, MembershipWrite>(write, write)
  },
  restore
)

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
