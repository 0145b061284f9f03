import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { applyTierChanges } from "./apply-tier-changes"
import { reviewCustomerTierStep } from "./steps/review-customer-tier"

export const reviewCustomerTierWorkflowId = "loyalty-review-customer-tier"

/**
 * The period-end review of one customer, once the period plus the grace days
 * is over: keep the tier the period's activity still reaches (lower, or
 * none) and start the next period. Not due yet → nothing changes. The daily
 * pass reviews a page at a time (`reviewTierPageWorkflow`) and runs this for
 * the members a page leaves to it (an override past its date, a review that
 * earns a bonus, a row locked at that instant).
 *
 * @summary Review a customer's tier at the end of their period.
 */
export const reviewCustomerTierWorkflow = createWorkflow(
  reviewCustomerTierWorkflowId,
  (input: { customer_id: string; now: Date }) => {
    const write = reviewCustomerTierStep(input)
    const events = applyTierChanges(write)
    return new WorkflowResponse({ write, events })
  }
)
