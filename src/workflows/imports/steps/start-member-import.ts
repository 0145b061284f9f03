import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const startMemberImportStepId = "loyalty-start-member-import-step"

/** Claim a run for reading its file (once); compensation gives it back to `created`. */
export const startMemberImportStep = createStep(
  startMemberImportStepId,
  async (id: string, { container }) => {
    await pointsService(container).startMemberImport(id)
    return new StepResponse(id, id)
  },
  async (id, { container }) => {
    if (id) await pointsService(container).updateMemberImports({ id, status: "created" })
  }
)
