import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const loadEnabledActionsStepId = "loyalty-load-enabled-actions-step"

/**
 * Which of the built-in actions `codes` (`birthday`, `anniversary`,
 * `first_order`) the store has created and switched on: only those are paid,
 * so a store without them pays nothing.
 */
export const loadEnabledActionsStep = createStep(loadEnabledActionsStepId, async (input: { codes: string[] }, { container }) => {
  const actions = await pointsService(container).listActions({ code: input.codes, enabled: true }, { select: ["code"] })
  return new StepResponse(actions.map((action) => action.code))
})
