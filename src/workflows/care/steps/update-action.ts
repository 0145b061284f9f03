import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"
import { LoyaltyActionInput } from "../types"

export const updateActionStepId = "loyalty-update-action-step"

/** Change an action (its code stays: integrations call it); compensation puts the previous values back. */
export const updateActionStep = createStep(
  updateActionStepId,
  async (input: { id: string } & Partial<Omit<LoyaltyActionInput, "code">>, { container }) => {
    const service = pointsService(container)
    const before = await service.retrieveAction(input.id)
    const action = await service.updateActions(input)
    return new StepResponse(action, before)
  },
  async (before, { container }) => {
    if (!before) return
    const { id, name, points, limit_count, limit_period, enabled } = before
    await pointsService(container).updateActions({ id, name, points, limit_count, limit_period, enabled })
  }
)
