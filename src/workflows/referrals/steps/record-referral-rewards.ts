import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ReferralRecord, RewardsNote } from "../../../modules/loyalty-referrals/types"
import { referralsService } from "./resolve-service"

export const recordReferralRewardsStepId = "loyalty-record-referral-rewards-step"

/**
 * Note the two ledger entries on the rewarded referral. Only the run that
 * records them gets the referral back (and announces it); compensation
 * forgets the note it wrote, only while the referral still holds it
 * (`forgetRewards`), so the job's repair pass picks the referral up.
 */
export const recordReferralRewardsStep = createStep(
  recordReferralRewardsStepId,
  async (
    input: { referral_id: string; referrer_entry_id: string | null; referee_entry_id: string | null } | null,
    { container }
  ) => {
    const recorded = input ? await referralsService(container).recordRewards(input) : null
    return new StepResponse<ReferralRecord | null, RewardsNote | null>(recorded?.referral ?? null, recorded?.note ?? null)
  },
  async (note, { container }) => {
    if (note) {
      await referralsService(container).forgetRewards([note])
    }
  }
)
