import { createMembershipStep } from "./create-membership-step"

export const evaluateCustomerTierStepId = "loyalty-evaluate-customer-tier-step"

/** Upgrade (or keep longer) from the customer's activity in the current window; never a downgrade. */
export const evaluateCustomerTierStep = createMembershipStep(
  evaluateCustomerTierStepId,
  (service, input: { customer_id: string; now: Date }) => service.evaluateCustomer(input.customer_id, new Date(input.now))
)
