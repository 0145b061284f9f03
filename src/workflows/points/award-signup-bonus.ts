import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { signupBonusPosting } from "../../lib/points/program"
import { LoyaltyEvents } from "../../lib/shared/events"
import { emitPointsEvents } from "./emit-points-events"
import { loadCustomerForPointsStep } from "./steps/load-customer"
import { loadMailboxWelcomeStep } from "./steps/load-mailbox-welcome"
import { loadProgramRulesStep } from "./steps/load-program-rules"
import { creditPointsStep } from "./steps/credit-points"

export const awardSignupBonusWorkflowId = "loyalty-award-signup-bonus"

/**
 * Welcome points for a shopper who creates an account, once per mailbox
 * (`signupBonusPosting`): a shopper who deleted their account and registered
 * again with the same email (a new customer id), or registered another
 * address of the same mailbox, gets none. Customers made by staff in the
 * admin, and the guest customers checkout creates, have no account and get
 * nothing; the key `signup:customer:<id>` makes a redelivered
 * `customer.created` harmless.
 *
 * @summary Grant the sign-up bonus to a newly registered shopper.
 */
export const awardSignupBonusWorkflow = createWorkflow(
  awardSignupBonusWorkflowId,
  (input: { customer_id: string }) => {
    const customer = loadCustomerForPointsStep(input)
    const rules = loadProgramRulesStep()
    const welcomedAs = loadMailboxWelcomeStep({ customer, rules })
    const bonus = transform({ customer, rules, welcomedAs }, ({ customer, rules, welcomedAs }) =>
      signupBonusPosting(rules, new Date(), customer, !!welcomedAs)
    )
    const result = creditPointsStep(bonus)
    emitPointsEvents(LoyaltyEvents.POINTS_EARNED, result)
    return new WorkflowResponse(result)
  }
)
