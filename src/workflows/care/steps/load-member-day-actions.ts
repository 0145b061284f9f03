import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const loadMemberDayActionsStepId = "loyalty-load-member-day-actions-step"

/** Which of `birthday` and `anniversary` the store has switched on: only those are paid. */
export const loadMemberDayActionsStep = createStep(loadMemberDayActionsStepId, async (_: void, { container }) => {
  const actions = await pointsService(container).listActions(
    { code: ["birthday", "anniversary"], enabled: true },
    { select: ["code"] }
  )
  return new StepResponse(actions.map((action) => action.code))
})
