import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const finishMemberImportStepId = "loyalty-finish-member-import-step"

export type FinishMemberImportInput = {
  id: string
  status: "done" | "failed"
  error: string | null
  value: Record<string, string> | null
  finished_at: string
}

/** Close a run with its outcome; compensation puts it back to `running`. */
export const finishMemberImportStep = createStep(
  finishMemberImportStepId,
  async (input: FinishMemberImportInput, { container }) => {
    const updated = await pointsService(container).updateMemberImports({
      id: input.id,
      status: input.status,
      error: input.error,
      value: input.value,
      finished_at: new Date(input.finished_at),
    })
    return new StepResponse(updated, input.id)
  },
  async (id, { container }) => {
    if (id) await pointsService(container).updateMemberImports({ id, status: "running", finished_at: null })
  }
)
