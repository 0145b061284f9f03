import { createMembershipStep } from "./create-membership-step"

export const reviewCustomerTierStepId = "loyalty-review-customer-tier-step"

/** The period-end review, when it is due; nothing otherwise. */
export const reviewCustomerTierStep = createMembershipStep(
  reviewCustomerTierStepId,
  (service, input: { customer_id: string; now: Date }) => service.reviewCustomer(input.customer_id, new Date(input.now))
)
