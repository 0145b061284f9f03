import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CareRules } from "../../../lib/care/rules"
import { pointsService } from "../../points/steps/resolve-service"

export const loadCareRulesStepId = "loyalty-load-care-rules-step"

/**
 * Member care's rules (time zone, birthday rule, reminders, notifications per
 * kind), read once per workflow; rules the caller already read (`given`) are
 * taken as they are, without a second read.
 */
export const loadCareRulesStep = createStep(loadCareRulesStepId, async (given: CareRules | null | void, { container }) => {
  return new StepResponse(given ?? (await pointsService(container).getCareRules()))
})
