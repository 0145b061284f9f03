import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MembershipWrite } from "../../../modules/loyalty-tiers/types"
import { tiersService } from "./resolve-service"
import { restore } from "./restore-membership"

export const evaluateCustomerTierStepId = "loyalty-evaluate-customer-tier-step"

/** Upgrade (or keep longer) from the customer's activity in the current window; never a downgrade. */
export const evaluateCustomerTierStep = createStep(
  evaluateCustomerTierStepId,
  async (input: { customer_id: string; now: Date }, { container }) => {
    const write = await tiersService(container).evaluateCustomer(input.customer_id, new Date(input.now))
    return new StepResponse<MembershipWrite, MembershipWrite>(write, write)
  },
  restore
)
