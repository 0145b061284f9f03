import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"
import { LoyaltyActionInput } from "../types"

export const createActionStepId = "loyalty-create-action-step"

/** Add an action; a code already in use is a 400. Compensation removes it. */
export const createActionStep = createStep(
  createActionStepId,
  async (input: LoyaltyActionInput, { container }) => {
    const service = pointsService(container)
    const [existing] = await service.listActions({ code: input.code }, { take: 1 })
    if (existing) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `An action with the code "${input.code}" already exists`)
    }
    const action = await service.createActions(input)
    return new StepResponse(action, action.id)
  },
  async (id, { container }) => {
    if (id) await pointsService(container).deleteActions([id])
  }
)
