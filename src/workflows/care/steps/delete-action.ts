import { createSoftDeleteStep } from "../../shared/create-soft-delete-step"
import { pointsService } from "../../points/steps/resolve-service"

export const deleteActionStepId = "loyalty-delete-action-step"

/** Remove an action (soft delete: the entries it paid keep their code; 404 when there is none); compensation restores it. */
export const deleteActionStep = createSoftDeleteStep(deleteActionStepId, pointsService, { one: "Action", many: "Actions" })
