import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MembershipWrite } from "../../../modules/loyalty-tiers/types"
import { tiersService } from "./resolve-service"
import { restore } from "./restore-membership"

export const reviewCustomerTierStepId = "loyalty-review-customer-tier-step"

/** The period-end review, when it is due; nothing otherwise. */
export const reviewCustomerTierStep = createStep(
  reviewCustomerTierStepId,
  async (input: { customer_id: string; now: Date }, { container }) => {
    const write = await tiersService(container).reviewCustomer(input.customer_id, new Date(input.now))
    return new StepResponse<MembershipWrite, MembershipWrite>(write, write)
  },
  restore
)
