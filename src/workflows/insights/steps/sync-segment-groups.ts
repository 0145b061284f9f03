import { ICustomerModuleService } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { segmentGroupDiff } from "../store-facts"
import type { SegmentGroupSync } from "../../../modules/loyalty-insights/types"
import { insightsService } from "./resolve-service"

export const syncSegmentGroupsStepId = "loyalty-sync-segment-groups-step"

type Membership = { customer_id: string; customer_group_id: string }

const CHUNK = 1_000

/**
 * Make each mapped customer group hold exactly the customers of its segment
 * in this run: the segment's customers come from the insights module, the
 * difference with the group is computed with two set-based queries, then
 * written through the customer module in chunks of 1,000. A mirrored group is
 * managed by the plugin: customers added to it by hand leave at the next
 * recompute. Compensation undoes exactly what was added and removed.
 */
export const syncSegmentGroupsStep = createStep(
  syncSegmentGroupsStepId,
  async (input: { run_id: string; segment_groups: Record<string, string> }, { container }) => {
    const insights = insightsService(container)
    const pg = container.resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION)
    const customers = container.resolve<ICustomerModuleService>(Modules.CUSTOMER)
    const added: Membership[] = []
    const removed: Membership[] = []
    const report: Record<string, SegmentGroupSync> = {}
    for (const [segment, groupId] of Object.entries(input.segment_groups ?? {})) {
      if (!groupId) continue
      const groups = await customers.listCustomerGroups({ id: groupId }, { take: 1 })
      if (!groups.length) {
        report[segment] = { customer_group_id: groupId, added: 0, removed: 0, error: `Customer group ${groupId} does not exist` }
        continue
      }
      const diff = await segmentGroupDiff(pg, groupId, await insights.segmentCustomerIds(input.run_id, segment))
      for (let i = 0; i < diff.add.length; i += CHUNK) {
        const chunk = diff.add.slice(i, i + CHUNK).map((customer_id) => ({ customer_id, customer_group_id: groupId }))
        await customers.addCustomerToGroup(chunk)
        added.push(...chunk)
      }
      for (let i = 0; i < diff.remove.length; i += CHUNK) {
        const chunk = diff.remove.slice(i, i + CHUNK).map((customer_id) => ({ customer_id, customer_group_id: groupId }))
        await customers.removeCustomerFromGroup(chunk)
        removed.push(...chunk)
      }
      report[segment] = { customer_group_id: groupId, added: diff.add.length, removed: diff.remove.length }
    }
    return new StepResponse(report, { added, removed })
  },
  async (changes, { container }) => {
    if (!changes) return
    const customers = container.resolve<ICustomerModuleService>(Modules.CUSTOMER)
    for (let i = 0; i < changes.added.length; i += CHUNK) {
      await customers.removeCustomerFromGroup(changes.added.slice(i, i + CHUNK))
    }
    for (let i = 0; i < changes.removed.length; i += CHUNK) {
      await customers.addCustomerToGroup(changes.removed.slice(i, i + CHUNK))
    }
  }
)
