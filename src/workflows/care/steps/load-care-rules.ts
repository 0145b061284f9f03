import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const loadCareRulesStepId = "loyalty-load-care-rules-step"

/** Member care's rules (time zone, birthday rule, reminders, notifications per kind), read once per workflow. */
export const loadCareRulesStep = createStep(loadCareRulesStepId, async (_: void, { container }) => {
  return new StepResponse(await pointsService(container).getCareRules())
})
