import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MembershipWrite } from "../../../modules/loyalty-tiers/types"
import { groupsOfCustomer } from "./customer-groups"
import { tiersService } from "./resolve-service"

export const planTierGroupMoveStepId = "loyalty-plan-tier-group-move-step"

export type CustomerGroupsChange = { id: string; add: string[]; remove: string[] }

/**
 * Which customer groups a tier change moves the customer between: into the
 * new tier's group, out of every other tier group they are in (so a missed
 * move in the past is repaired too). Groups that are no tier's are left
 * alone. Null when nothing is to move. Reads only.
 */
export const planTierGroupMoveStep = createStep(
  planTierGroupMoveStepId,
  async (write: MembershipWrite | null, { container }) => {
    if (!write?.changes.length) {
      return new StepResponse<CustomerGroupsChange | null>(null)
    }
    const last = write.changes[write.changes.length - 1]
    const target = last.to_group_id
    const tiers = await tiersService(container).listTiersByRank()
    const tierGroups = new Set(
      [
        ...tiers.map((tier) => tier.customer_group_id),
        ...write.changes.flatMap((change) => [change.from_group_id, change.to_group_id]),
      ].filter((id): id is string => !!id)
    )
    const current = await groupsOfCustomer(container, write.customer_id)
    if (!current) {
      return new StepResponse<CustomerGroupsChange | null>(null)
    }
    const add = target && !current.has(target) ? [target] : []
    const remove = [...current].filter((id) => tierGroups.has(id) && id !== target)
    return new StepResponse<CustomerGroupsChange | null>(
      add.length || remove.length ? { id: write.customer_id, add, remove } : null
    )
  }
)
