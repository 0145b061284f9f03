import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { awardMemberDaysStep } from "./steps/award-member-days"
import { awardMissedFirstOrderBonusesStep } from "./steps/award-missed-first-order-bonuses"
import { loadCareRulesStep } from "./steps/load-care-rules"
import { loadEnabledActionsStep } from "./steps/load-enabled-actions"

export const awardMemberDayBonusesWorkflowId = "loyalty-award-member-day-bonuses"

/**
 * The daily pass of member days: birthday and anniversary bonuses for the
 * store's local day of `now` (and the days of the last week it missed), then
 * the catch-up of first-order bonuses that no release paid (a first kept
 * order that earned 0 points is never released; a release's event can be
 * lost), so every member's first kept order is paid once. Takes `now` so
 * tests and back-fills can run it at any date.
 *
 * @summary Pay today's birthday and anniversary bonuses, and first-order bonuses no release paid.
 *
 * @example
 * await awardMemberDayBonusesWorkflow(container).run({ input: { now: new Date() } })
 */
export const awardMemberDayBonusesWorkflow = createWorkflow(
  awardMemberDayBonusesWorkflowId,
  (input: { now: Date }) => {
    const care = loadCareRulesStep()
    const actions = loadEnabledActionsStep({ codes: ["birthday", "anniversary", "first_order"] })
    const pass = transform({ input, care, actions }, ({ input, care, actions }) => ({ now: input.now, care, actions }))
    const days = awardMemberDaysStep(pass)
    const firstOrders = awardMissedFirstOrderBonusesStep(transform({ input, actions }, ({ input, actions }) => ({ now: input.now, actions })))
    return new WorkflowResponse(transform({ days, firstOrders }, ({ days, firstOrders }) => ({ ...days, first_order: firstOrders })))
  }
)
