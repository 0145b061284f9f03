import { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { linkCustomersToCustomerGroupWorkflow } from "@medusajs/medusa/core-flows"

const PAGE = 1000

/** Which of these customers are in the group (Medusa keeps no unique pair, so always ask first). */
export async function customersInGroup(
  container: MedusaContainer,
  groupId: string,
  customerIds: string[]
): Promise<Set<string>> {
  const inGroup = new Set<string>()
  const customers = container.resolve(Modules.CUSTOMER)
  for (let i = 0; i < customerIds.length; i += PAGE) {
    const rows = await customers.listCustomerGroupCustomers(
      { customer_group_id: groupId, customer_id: customerIds.slice(i, i + PAGE) },
      { select: ["customer_id"], take: null }
    )
    rows.forEach((row) => inGroup.add(row.customer_id))
  }
  return inGroup
}

/** The groups a customer is in; null when the customer does not exist (any more). */
export async function groupsOfCustomer(container: MedusaContainer, customerId: string): Promise<Set<string> | null> {
  const customers = container.resolve(Modules.CUSTOMER)
  const [customer] = await customers.listCustomers({ id: customerId }, { select: ["id"], take: 1 })
  if (!customer) return null
  const rows = await customers.listCustomerGroupCustomers(
    { customer_id: customerId },
    { select: ["customer_group_id"], take: null }
  )
  return new Set(rows.map((row) => row.customer_group_id))
}

export type GroupMove = { group_id: string; add: string[]; remove: string[] }

/**
 * Apply membership changes to customer groups through Medusa's own
 * `linkCustomersToCustomerGroupWorkflow`, a page at a time. Returns the moves
 * actually made so they can be reversed.
 */
export async function applyGroupMoves(container: MedusaContainer, moves: GroupMove[]): Promise<GroupMove[]> {
  const done: GroupMove[] = []
  for (const move of moves) {
    for (let i = 0; i < Math.max(move.add.length, move.remove.length); i += PAGE) {
      const page = { group_id: move.group_id, add: move.add.slice(i, i + PAGE), remove: move.remove.slice(i, i + PAGE) }
      if (!page.add.length && !page.remove.length) continue
      await linkCustomersToCustomerGroupWorkflow(container).run({
        input: { id: page.group_id, add: page.add, remove: page.remove },
      })
      done.push(page)
    }
  }
  return done
}

/** The moves that undo `moves`. */
export const reverseGroupMoves = (moves: GroupMove[]): GroupMove[] =>
  [...moves].reverse().map((move) => ({ group_id: move.group_id, add: move.remove, remove: move.add }))

/**
 * The moves that take these customers out of `fromGroupId` and into
 * `toGroupId`, skipping those already where they should be.
 */
export async function planGroupMoves(
  container: MedusaContainer,
  customerIds: string[],
  fromGroupId: string | null,
  toGroupId: string | null
): Promise<GroupMove[]> {
  if (!customerIds.length || fromGroupId === toGroupId) return []
  const moves: GroupMove[] = []
  if (fromGroupId) {
    const inFrom = await customersInGroup(container, fromGroupId, customerIds)
    moves.push({ group_id: fromGroupId, add: [], remove: customerIds.filter((id) => inFrom.has(id)) })
  }
  if (toGroupId) {
    const inTo = await customersInGroup(container, toGroupId, customerIds)
    moves.push({ group_id: toGroupId, add: customerIds.filter((id) => !inTo.has(id)), remove: [] })
  }
  return moves.filter((move) => move.add.length || move.remove.length)
}
