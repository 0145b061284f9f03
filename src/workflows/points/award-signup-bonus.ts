import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { earnPosting } from "../../lib/points/program"
import { LoyaltyEvents } from "../../lib/shared/events"
import { emitPointsEvents } from "./emit-points-events"
import { loadCustomerForPointsStep } from "./steps/load-customer"
import { loadProgramRulesStep } from "./steps/load-program-rules"
import { creditPointsStep } from "./steps/credit-points"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"
import { ReferenceTypes } from "../../lib/shared/vocabulary"

export const awardSignupBonusWorkflowId = "loyalty-award-signup-bonus"

/**
 * Welcome points for a shopper who creates an account. Customers made by
 * staff in the admin, and the guest customers checkout creates, have no
 * account and get nothing; the key `signup:customer:<id>` makes a
 * redelivered `customer.created` harmless.
 *
 * @summary Grant the sign-up bonus to a newly registered shopper.
 */
export const awardSignupBonusWorkflow = createWorkflow(
  awardSignupBonusWorkflowId,
  (input: { customer_id: string }) => {
    const customer = loadCustomerForPointsStep(input)
    const rules = loadProgramRulesStep()
    const bonus = transform({ customer, rules }, ({ customer, rules }) =>
      customer.has_account && rules.signup_bonus > 0
        ? earnPosting(rules, new Date(), {
            customer_id: customer.id,
            idempotency_key: IdempotencyKeys.signupBonus(customer.id),
            points: rules.signup_bonus,
            reason: "Welcome bonus for creating an account",
            reference_type: ReferenceTypes.CUSTOMER,
            reference_id: customer.id,
          })
        : null
    )
    const result = creditPointsStep(bonus)
    emitPointsEvents(LoyaltyEvents.POINTS_EARNED, result)
    return new WorkflowResponse(result)
  }
)
