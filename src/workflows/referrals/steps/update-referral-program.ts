import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ReferralProgramSettings } from "../../../lib/referrals/rules"
import { referralsService } from "./resolve-service"

export const updateReferralProgramStepId = "loyalty-update-referral-program-step"

export type UpdateReferralProgramInput = {
  changes: Partial<Omit<ReferralProgramSettings, "version">>
  actor_id: string | null
}

/** Save the program as a new version; compensation removes that version so the previous one is in force again. */
export const updateReferralProgramStep = createStep(
  updateReferralProgramStepId,
  async (input: UpdateReferralProgramInput, { container }) => {
    const settings = await referralsService(container).updateProgramSettings(input.changes, input.actor_id)
    return new StepResponse(settings, settings.version)
  },
  async (version, { container }) => {
    if (!version) return
    const service = referralsService(container)
    const rows = await service.listReferralProgramVersions({ version })
    await service.deleteReferralProgramVersions(rows.map((row) => row.id))
  }
)
