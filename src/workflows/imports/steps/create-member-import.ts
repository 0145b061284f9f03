import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const createMemberImportStepId = "loyalty-create-member-import-step"

export type CreateMemberImportInput = {
  /** The merchant's key; null: the server keys the run by the content uploaded (`runMemberImport`). */
  import_key: string | null
  file_name: string | null
  dry_run: boolean
  /** Credit members an earlier import (another key) already credited; off by default. */
  repeat_members?: boolean
  bytes_total: number | null
  actor_id: string | null
}

/** A new import run, waiting for its file; compensation deletes it. */
export const createMemberImportStep = createStep(
  createMemberImportStepId,
  async (input: CreateMemberImportInput, { container }) => {
    const created = await pointsService(container).createMemberImports({ ...input, repeat_members: input.repeat_members ?? false, status: "created" })
    return new StepResponse(created, created.id)
  },
  async (id, { container }) => {
    if (id) await pointsService(container).deleteMemberImports(id)
  }
)
