import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const loadActionStepId = "loyalty-load-action-step"

/** The action by its code: 404 when the store has none, 400 when staff switched it off. */
export const loadActionStep = createStep(loadActionStepId, async (input: { code: string }, { container }) => {
  const [action] = await pointsService(container).listActions({ code: input.code }, { take: 1 })
  if (!action) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `The store has no action "${input.code}"`)
  }
  if (!action.enabled) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `The action "${input.code}" is switched off`)
  }
  return new StepResponse(action)
})
