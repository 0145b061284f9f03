import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const setMemberImportKeyStepId = "loyalty-set-member-import-key-step"

/**
 * Key a run that was created without a key by the SHA-256 of the content
 * uploaded (only while it has none); compensation takes the key back off.
 */
export const setMemberImportKeyStep = createStep(
  setMemberImportKeyStepId,
  async (input: { id: string; import_key: string }, { container }) => {
    await pointsService(container).setMemberImportKey(input)
    return new StepResponse(input.import_key, input.id)
  },
  async (id, { container }) => {
    if (id) await pointsService(container).updateMemberImports({ id, import_key: null })
  }
)
