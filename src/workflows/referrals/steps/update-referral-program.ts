import { ReferralProgramSettings } from "../../../lib/referrals/rules"
import { createVersionStep, VersionChanges } from "../../shared/create-version-step"
import { referralsService } from "./resolve-service"

export const updateReferralProgramStepId = "loyalty-update-referral-program-step"

export type UpdateReferralProgramInput = VersionChanges<ReferralProgramSettings>

/** Save the program as a new version; compensation removes that version so the previous one is in force again. */
export const updateReferralProgramStep = createVersionStep(updateReferralProgramStepId, referralsService, {
  save: (service, input: UpdateReferralProgramInput) => service.updateProgramSettings(input.changes, input.actor_id),
  remove: async (service, version) =>
    service.deleteReferralProgramVersions((await service.listReferralProgramVersions({ version })).map((row) => row.id)),
})
