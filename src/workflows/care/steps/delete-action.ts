import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const deleteActionStepId = "loyalty-delete-action-step"

/** Remove an action (soft delete: the entries it paid keep their code; 404 when there is none); compensation restores it. */
export const deleteActionStep = createStep(
  deleteActionStepId,
  async (input: { id: string }, { container }) => {
    const service = pointsService(container)
    await service.retrieveAction(input.id)
    await service.softDeleteActions([input.id])
    return new StepResponse(input.id, input.id)
  },
  async (id, { container }) => {
    if (id) await pointsService(container).restoreActions([id])
  }
)
