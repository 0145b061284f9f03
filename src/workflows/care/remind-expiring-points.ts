import { emitEventStep } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { LoyaltyEvents, PointsExpiringEventData } from "../../lib/shared/events"
import { claimExpiringLotsStep } from "./steps/claim-expiring-lots"
import { loadCareRulesStep } from "./steps/load-care-rules"

export const remindExpiringPointsWorkflowId = "loyalty-remind-expiring-points"

/**
 * Announce every lot that expires within `care.expiryReminderDays` of `now`,
 * once per lot (`loyalty.points.expiring`), so members hear about points
 * before they lapse and can spend them. Takes `now` so tests can run it at
 * any date.
 *
 * @summary Remind members of points about to expire.
 *
 * @example
 * await remindExpiringPointsWorkflow(container).run({ input: { now: new Date() } })
 */
export const remindExpiringPointsWorkflow = createWorkflow(
  remindExpiringPointsWorkflowId,
  (input: { now: Date }) => {
    const care = loadCareRulesStep()
    const claimInput = transform({ input, care }, ({ input, care }) => ({ now: input.now, days: care.expiry_reminder_days }))
    const lots = claimExpiringLotsStep(claimInput)
    const events = transform({ lots }, ({ lots }): PointsExpiringEventData[] => lots)
    when({ events }, ({ events }) => events.length > 0).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.POINTS_EXPIRING, data: events })
    )
    return new WorkflowResponse(transform({ lots }, ({ lots }) => ({ reminded_lots: lots.length })))
  }
)
