import { emitEventStep } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { LoyaltyEvents, tierEventsFor } from "../../lib/shared/events"
import { endDueTierOverridesStep } from "./steps/end-due-tier-overrides"
import { moveTierMembersStep } from "./steps/move-tier-members"
import { deleteTierStep } from "./steps/delete-tier"

export const deleteTierWorkflowId = "loyalty-delete-tier"

export type DeleteTierInput = {
  id: string
  /** Where members go: a tier id, or null for no tier. Leave out to refuse when there are members. */
  move_members_to?: string | null
  now: Date
}

/**
 * Delete a tier. With members it is refused unless `move_members_to` names
 * where they go (another tier, or null for none); they keep their period,
 * move to the target's customer group, get a history line and a
 * `loyalty.tier.changed` event each. Overrides past their end date are ended
 * first (as the minute job would), so a customer whose override has run out
 * no longer counts as a member.
 *
 * @summary Delete a membership tier, moving its members.
 */
export const deleteTierWorkflow = createWorkflow(deleteTierWorkflowId, (input: DeleteTierInput) => {
  endDueTierOverridesStep(transform({ input }, ({ input }) => ({ now: input.now })))
  const result = deleteTierStep(input)
  moveTierMembersStep(
    transform({ result }, ({ result }) => ({
      customer_ids: result.writes.filter((write) => write.changes.length).map((write) => write.customer_id),
      from_group_id: result.tier.customer_group_id,
      to_group_id: result.target?.customer_group_id ?? null,
    }))
  )
  const events = transform({ result }, ({ result }) => tierEventsFor(result.writes.flatMap((write) => write.changes)))
  when({ events }, ({ events }) => events.length > 0).then(() =>
    emitEventStep({ eventName: LoyaltyEvents.TIER_CHANGED, data: events })
  )
  return new WorkflowResponse(
    transform({ result }, ({ result }) => ({
      id: result.tier.id,
      moved: result.writes.filter((write) => write.changes.length).length,
      moved_to: result.target?.id ?? null,
    }))
  )
})
