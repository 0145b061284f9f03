import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { forEachPage } from "../../../lib/shared/pages"
import { applyGroupMoves, GroupMove, planGroupMoves, reverseGroupMoves } from "./customer-groups"
import { tiersService } from "./resolve-service"

export const moveTierMembersStepId = "loyalty-move-tier-members-step"

const PAGE = 1000

export type MoveTierMembersInput = {
  /** The customers to move; or every member in effect of `tier_id`. */
  customer_ids?: string[]
  tier_id?: string
  from_group_id: string | null
  to_group_id: string | null
}

/**
 * Move many customers from one customer group to another in one go (a tier
 * whose group changed, a deleted tier's members). Compensation moves them
 * back.
 */
export const moveTierMembersStep = createStep(
  moveTierMembersStepId,
  async (input: MoveTierMembersInput | null, { container }) => {
    if (!input || input.from_group_id === input.to_group_id) {
      return new StepResponse<GroupMove[], GroupMove[]>([], [])
    }
    let customerIds = input.customer_ids ?? []
    if (input.tier_id) {
      const tierId = input.tier_id
      const members: string[] = []
      await forEachPage(
        ({ after }) => tiersService(container).listTierMemberIds(tierId, after, PAGE),
        async (page) => {
          members.push(...page)
        },
        { size: PAGE, until: "short", key: (id) => id }
      )
      customerIds = members
    }
    const moves = await planGroupMoves(container, customerIds, input.from_group_id, input.to_group_id)
    const done = await applyGroupMoves(container, moves)
    return new StepResponse<GroupMove[], GroupMove[]>(done, done)
  },
  async (done, { container }) => {
    if (done?.length) {
      await applyGroupMoves(container, reverseGroupMoves(done))
    }
  }
)
