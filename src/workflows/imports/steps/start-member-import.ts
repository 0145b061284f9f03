import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const createMemberImportStepId = "loyalty-create-member-import-step"
export const startMemberImportStepId = "loyalty-start-member-import-step"
export const finishMemberImportStepId = "loyalty-finish-member-import-step"

export type CreateMemberImportInput = {
  import_key: string
  file_name: string | null
  dry_run: boolean
  bytes_total: number | null
  actor_id: string | null
}

/** A new import run, waiting for its file; compensation deletes it. */
export const createMemberImportStep = createStep(
  createMemberImportStepId,
  async (input: CreateMemberImportInput, { container }) => {
    const created = await pointsService(container).createMemberImports({ ...input, status: "created" })
    return new StepResponse(created, created.id)
  },
  async (id, { container }) => {
    if (id) await pointsService(container).deleteMemberImports(id)
  }
)

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
