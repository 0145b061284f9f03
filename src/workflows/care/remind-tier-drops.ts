import { emitEventStep } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { LoyaltyEvents } from "../../lib/shared/events"
import { claimTierDropsStep } from "./steps/claim-tier-drops"
import { loadCareRulesStep } from "./steps/load-care-rules"

export const remindTierDropsWorkflowId = "loyalty-remind-tier-drops"

/**
 * Warn members whose tier will drop at its review within
 * `care.tierReminderDays` of `now` (`loyalty.tier.expiring`, once per member
 * and period), with what is missing to keep it, so they can still order in
 * time. Takes `now` so tests can run it at any date.
 *
 * @summary Warn members before their tier drops.
 *
 * @example
 * await remindTierDropsWorkflow(container).run({ input: { now: new Date() } })
 */
export const remindTierDropsWorkflow = createWorkflow(remindTierDropsWorkflowId, (input: { now: Date }) => {
  const care = loadCareRulesStep()
  const claimInput = transform({ input, care }, ({ input, care }) => ({ now: input.now, days: care.tier_reminder_days }))
  const reminders = claimTierDropsStep(claimInput)
  when({ reminders }, ({ reminders }) => reminders.length > 0).then(() =>
    emitEventStep({ eventName: LoyaltyEvents.TIER_EXPIRING, data: reminders })
  )
  return new WorkflowResponse(transform({ reminders }, ({ reminders }) => ({ reminded_members: reminders.length })))
})
