import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { forEachPage } from "../../../lib/shared/pages"
import { applyGroupMoves, customersInGroup, GroupMove, reverseGroupMoves } from "./customer-groups"
import { tiersService } from "./resolve-service"

export const syncTierGroupsStepId = "loyalty-sync-tier-groups-step"

const BATCH = 500

/**
 * Repair the customer groups: every member of a tier in its group, and
 * nobody in a tier's group whose tier in effect is another one (customers the
 * plugin knows nothing about are left alone, so staff can still add people
 * by hand). Changes go through Medusa's customer-group workflow; the moves
 * are undone if a later step fails.
 */
export const syncTierGroupsStep = createStep(
  syncTierGroupsStepId,
  async (_: { now: Date }, { container }) => {
    const service = tiersService(container)
    const customers = container.resolve(Modules.CUSTOMER)
    const tiers = (await service.listTiersByRank()).filter((tier) => tier.customer_group_id)
    const groupOfTier = new Map(tiers.map((tier) => [tier.id, tier.customer_group_id]))
    const moves: GroupMove[] = []
    for (const tier of tiers) {
      const groupId = tier.customer_group_id!
      const add: string[] = []
      await forEachPage(
        ({ after }) => service.listTierMemberIds(tier.id, after, BATCH),
        async (members) => {
          const inGroup = await customersInGroup(container, groupId, members)
          add.push(...members.filter((id) => !inGroup.has(id)))
        },
        { size: BATCH, until: "empty", key: (id) => id }
      )
      const remove: string[] = []
      await forEachPage(
        ({ skip }) =>
          customers.listCustomerGroupCustomers(
            { customer_group_id: groupId },
            { select: ["customer_id"], take: BATCH, skip, order: { id: "ASC" } }
          ),
        async (rows) => {
          const inEffect = await service.membershipTiers(rows.map((row) => row.customer_id), "tier_id")
          for (const [customerId, tierId] of inEffect) {
            if ((tierId ? groupOfTier.get(tierId) : null) !== groupId) remove.push(customerId)
          }
        },
        { size: BATCH, until: "short" }
      )
      if (add.length || remove.length) moves.push({ group_id: groupId, add, remove })
    }
    const done = await applyGroupMoves(container, moves)
    const count = (key: "add" | "remove") => done.reduce((sum, move) => sum + move[key].length, 0)
    return new StepResponse({ added: count("add"), removed: count("remove") }, done)
  },
  async (done, { container }) => {
    if (done?.length) {
      await applyGroupMoves(container, reverseGroupMoves(done))
    }
  }
)
