import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PostedReward } from "../../../modules/loyalty-referrals/types"
import { referralsService } from "./resolve-service"

export const recordReferralRewardPageStepId = "loyalty-record-referral-reward-page-step"

/**
 * Note a page's ledger entries on its referrals in one statement. Only the
 * referrals this run noted come back (and are announced); compensation
 * forgets them again, so the repair pass picks them up.
 */
export const recordReferralRewardPageStep = createStep(
  recordReferralRewardPageStepId,
  async (rows: { referral_id: string; referrer_entry_id: string | null; referee_entry_id: string | null }[], { container }) => {
    const posted = await referralsService(container).recordRewardsPage(rows)
    return new StepResponse<PostedReward[], string[]>(
      posted,
      posted.map((referral) => referral.id)
    )
  },
  async (referralIds, { container }) => {
    if (referralIds?.length) {
      await referralsService(container).forgetRewards(referralIds)
    }
  }
)
