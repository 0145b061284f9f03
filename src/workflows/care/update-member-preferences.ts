import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { MedusaError } from "@medusajs/framework/utils"
import { MemberPreferencesInput } from "../../modules/loyalty-points/types"
import { loadCustomerForPointsStep } from "../points/steps/load-customer"
import { updateMemberPreferencesStep } from "./steps/update-member-preferences"

export const updateMemberPreferencesWorkflowId = "loyalty-update-member-preferences"

/**
 * A member's birthday (set once by the shopper; staff may correct it) and
 * their choice to receive loyalty messages or not.
 *
 * @summary Set a member's birthday and notifications opt-out.
 */
export const updateMemberPreferencesWorkflow = createWorkflow(
  updateMemberPreferencesWorkflowId,
  (input: MemberPreferencesInput) => {
    const customer = loadCustomerForPointsStep({ customer_id: input.customer_id })
    const checked = transform({ input, customer }, ({ input, customer }) => {
      if (!customer.has_account) {
        throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Customer ${customer.id} is not a member`)
      }
      return input
    })
    return new WorkflowResponse(updateMemberPreferencesStep(checked))
  }
)
