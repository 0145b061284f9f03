import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ReferralRecord } from "../../../modules/loyalty-referrals/types"
import { referralsService } from "./resolve-service"

export const recordReferralRewardsStepId = "loyalty-record-referral-rewards-step"

/**
 * Note the two ledger entries on the rewarded referral. Only the run that
 * records them gets the referral back (and announces it); compensation
 * forgets them again so the job's repair pass picks the referral up.
 */
export const recordReferralRewardsStep = createStep(
  recordReferralRewardsStepId,
  async (
    input: { referral_id: string; referrer_entry_id: string | null; referee_entry_id: string | null } | null,
    { container }
  ) => {
    const referral = input ? await referralsService(container).recordRewards(input) : null
    return new StepResponse<ReferralRecord | null, string | null>(referral, referral?.id ?? null)
  },
  async (referralId, { container }) => {
    if (referralId) {
      await referralsService(container).updateReferrals({
        id: referralId,
        rewards_posted_at: null,
        referrer_entry_id: null,
        referee_entry_id: null,
      })
    }
  }
)
