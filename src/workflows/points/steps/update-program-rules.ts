import { ProgramRules } from "../../../lib/points/program"
import { createVersionStep, VersionChanges } from "../../shared/create-version-step"
import { pointsService } from "./resolve-service"

export const updateProgramRulesStepId = "loyalty-update-program-rules-step"

export type UpdateProgramRulesInput = VersionChanges<ProgramRules>

/** Save the rules as a new version; compensation removes that version so the previous one is in force again. */
export const updateProgramRulesStep = createVersionStep(updateProgramRulesStepId, pointsService, {
  save: (service, input: UpdateProgramRulesInput) => service.updateProgramRules(input.changes, input.actor_id),
  remove: async (service, version) => service.deleteProgramVersions((await service.listProgramVersions({ version })).map((row) => row.id)),
})
