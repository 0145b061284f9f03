import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { TierInput } from "../../modules/loyalty-tiers/types"
import { createTierStep } from "./steps/create-tier"
import { validateTierCustomerGroupStep } from "./steps/validate-tier-customer-group"

export const createTierWorkflowId = "loyalty-create-tier"

/**
 * Add a tier. The whole set is validated with it (thresholds grow with rank,
 * unique names and ranks) and a 400 names what is wrong. Nobody is moved
 * into it now: customers reach it with their next qualifying activity or the
 * daily job's pass.
 *
 * @summary Create a membership tier.
 *
 * @example
 * await createTierWorkflow(container).run({
 *   input: { name: "Gold", metric: "points", threshold: 1000, earn_multiplier: 1.5 },
 * })
 */
export const createTierWorkflow = createWorkflow(createTierWorkflowId, (input: TierInput) => {
  validateTierCustomerGroupStep(transform({ input }, ({ input }) => ({ customer_group_id: input.customer_group_id })))
  return new WorkflowResponse(createTierStep(input))
})
