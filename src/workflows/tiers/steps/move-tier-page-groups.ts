import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import { MembershipWrite } from "../../../modules/loyalty-tiers/types"
import { applyGroupMoves, GroupMove, reverseGroupMoves } from "./customer-groups"
import { tiersService } from "./resolve-service"

export const moveTierPageGroupsStepId = "loyalty-move-tier-page-groups-step"

/**
 * The customer-group moves of a page of tier changes, one call per group
 * (Medusa's `linkCustomersToCustomerGroupWorkflow` takes lists): each changed
 * customer joins their new tier's group and leaves every other tier group
 * they are in, the rule `planTierGroupMoveStep` applies to one customer
 * (customers that no longer exist are left alone). Compensation, and a
 * failure half-way, move back what was moved.
 */
export const moveTierPageGroupsStep = createStep(
  moveTierPageGroupsStepId,
  async (writes: MembershipWrite[], { container }) => {
    const changed = writes.filter((write) => write.changes.length)
    if (!changed.length) {
      return new StepResponse<GroupMove[], GroupMove[]>([], [])
    }
    const tiers = await tiersService(container).listTiersByRank()
    const tierGroups = new Set(
      [
        ...tiers.map((tier) => tier.customer_group_id),
        ...changed.flatMap((write) => write.changes.flatMap((change) => [change.from_group_id, change.to_group_id])),
      ].filter((id): id is string => !!id)
    )
    if (!tierGroups.size) {
      return new StepResponse<GroupMove[], GroupMove[]>([], [])
    }
    const customers = container.resolve(Modules.CUSTOMER)
    const existing = await customers.listCustomers({ id: changed.map((write) => write.customer_id) }, { select: ["id"], take: null })
    const ids = existing.map((customer) => customer.id)
    const memberships = ids.length
      ? await customers.listCustomerGroupCustomers(
          { customer_id: ids, customer_group_id: [...tierGroups] },
          { select: ["customer_id", "customer_group_id"], take: null }
        )
      : []
    const current = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]))
    memberships.forEach((row) => current.get(row.customer_id)?.add(row.customer_group_id))

    const moves = new Map<string, GroupMove>()
    const move = (groupId: string) =>
      moves.get(groupId) ?? moves.set(groupId, { group_id: groupId, add: [], remove: [] }).get(groupId)!
    for (const write of changed) {
      const groups = current.get(write.customer_id)
      if (!groups) continue
      const target = write.changes[write.changes.length - 1].to_group_id
      if (target && !groups.has(target)) move(target).add.push(write.customer_id)
      for (const id of groups) {
        if (id !== target) move(id).remove.push(write.customer_id)
      }
    }
    const planned = [...moves.values()].sort((a, b) => a.group_id.localeCompare(b.group_id))
    const done: GroupMove[] = []
    try {
      for (const one of planned) done.push(...(await applyGroupMoves(container, [one])))
    } catch (error) {
      await applyGroupMoves(container, reverseGroupMoves(done))
      throw error
    }
    return new StepResponse<GroupMove[], GroupMove[]>(done, done)
  },
  async (done, { container }) => {
    if (done?.length) {
      await applyGroupMoves(container, reverseGroupMoves(done))
    }
  }
)
