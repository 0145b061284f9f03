import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "./resolve-service"

export const loadProgramRulesStepId = "loyalty-load-program-rules-step"

/** The rules in force, read once per workflow so every later step uses the same version. */
export const loadProgramRulesStep = createStep(loadProgramRulesStepId, async (_: void, { container }) => {
  return new StepResponse(await pointsService(container).getProgramRules())
})
