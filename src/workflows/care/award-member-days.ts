import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { awardMemberDaysStep } from "./steps/award-member-days"
import { loadCareRulesStep } from "./steps/load-care-rules"
import { loadEnabledActionsStep } from "./steps/load-enabled-actions"

export const awardMemberDayBonusesWorkflowId = "loyalty-award-member-day-bonuses"

/**
 * The daily pass of member days: birthday and anniversary bonuses for the
 * store's local day of `now`. Takes `now` so tests and back-fills can run it
 * at any date.
 *
 * @summary Pay today's birthday and anniversary bonuses.
 *
 * @example
 * await awardMemberDayBonusesWorkflow(container).run({ input: { now: new Date() } })
 */
export const awardMemberDayBonusesWorkflow = createWorkflow(
  awardMemberDayBonusesWorkflowId,
  (input: { now: Date }) => {
    const care = loadCareRulesStep()
    const actions = loadEnabledActionsStep({ codes: ["birthday", "anniversary"] })
    const pass = transform({ input, care, actions }, ({ input, care, actions }) => ({ now: input.now, care, actions }))
    return new WorkflowResponse(awardMemberDaysStep(pass))
  }
)
