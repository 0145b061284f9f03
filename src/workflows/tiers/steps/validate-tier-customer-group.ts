import { MedusaError, Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"

export const validateTierCustomerGroupStepId = "loyalty-validate-tier-customer-group-step"

/** A tier may mirror only into a customer group that exists: a 400 naming it otherwise. */
export const validateTierCustomerGroupStep = createStep(
  validateTierCustomerGroupStepId,
  async (input: { customer_group_id?: string | null }, { container }) => {
    if (input.customer_group_id) {
      const [group] = await container
        .resolve(Modules.CUSTOMER)
        .listCustomerGroups({ id: input.customer_group_id }, { select: ["id"], take: 1 })
      if (!group) {
        throw new MedusaError(
          MedusaError.Types.INVALID_DATA,
          `customer_group_id: customer group ${input.customer_group_id} does not exist`
        )
      }
    }
    return new StepResponse(true)
  }
)
