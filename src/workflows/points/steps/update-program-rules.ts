import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ProgramRules } from "../../../lib/points/program"
import { pointsService } from "./resolve-service"

export const updateProgramRulesStepId = "loyalty-update-program-rules-step"

export type UpdateProgramRulesInput = {
  changes: Partial<Omit<ProgramRules, "version">>
  actor_id: string | null
}

/** Save the rules as a new version; compensation removes that version so the previous one is in force again. */
export const updateProgramRulesStep = createStep(
  updateProgramRulesStepId,
  async (input: UpdateProgramRulesInput, { container }) => {
    const service = pointsService(container)
    const rules = await service.updateProgramRules(input.changes, input.actor_id)
    return new StepResponse(rules, rules.version)
  },
  async (version, { container }) => {
    if (!version) return
    const service = pointsService(container)
    const rows = await service.listProgramVersions({ version })
    await service.deleteProgramVersions(rows.map((row) => row.id))
  }
)
