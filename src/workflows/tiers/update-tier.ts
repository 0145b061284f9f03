import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { TierInput } from "../../modules/loyalty-tiers/types"
import { moveTierMembersStep } from "./steps/move-tier-members"
import { updateTierStep } from "./steps/update-tier"
import { validateTierCustomerGroupStep } from "./steps/validate-tier-customer-group"

export const updateTierWorkflowId = "loyalty-update-tier"

/**
 * Change a tier. The set is validated as it would be after the change. When
 * the tier's customer group changes, its members move from the old group to
 * the new one. Threshold changes move nobody at once: upgrades follow the
 * next activity or the daily pass, downgrades wait for each member's review.
 *
 * @summary Update a membership tier.
 */
export const updateTierWorkflow = createWorkflow(
  updateTierWorkflowId,
  (input: { id: string; changes: Partial<TierInput> }) => {
    validateTierCustomerGroupStep(
      transform({ input }, ({ input }) => ({ customer_group_id: input.changes.customer_group_id }))
    )
    const result = updateTierStep(input)
    moveTierMembersStep(
      transform({ result }, ({ result }) =>
        result.previous.customer_group_id === result.tier.customer_group_id
          ? null
          : {
              tier_id: result.tier.id,
              from_group_id: result.previous.customer_group_id,
              to_group_id: result.tier.customer_group_id,
            }
      )
    )
    return new WorkflowResponse(transform({ result }, ({ result }) => result.tier))
  }
)
