import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { graphOne } from "../../shared/graph-one"

export const loadCustomerForPointsStepId = "loyalty-load-customer-for-points-step"

export type CustomerForPoints = { id: string; has_account: boolean; email: string | null }

/** The customer an account belongs to; 404 when it does not exist (or was deleted). */
export const loadCustomerForPointsStep = createStep(
  loadCustomerForPointsStepId,
  async (input: { customer_id: string }, { container }) => {
    const customer = await graphOne(container, "customer", input.customer_id, ["id", "has_account", "email"])
    if (!customer) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Customer ${input.customer_id} was not found`)
    }
    return new StepResponse<CustomerForPoints>({
      id: customer.id,
      has_account: !!customer.has_account,
      email: customer.email ?? null,
    })
  }
)
