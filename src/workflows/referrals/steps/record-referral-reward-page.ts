import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PostedReward, RewardsNote } from "../../../modules/loyalty-referrals/types"
import { referralsService } from "./resolve-service"

export const recordReferralRewardPageStepId = "loyalty-record-referral-reward-page-step"

/**
 * Note a page's ledger entries on its referrals in one statement. Only the
 * referrals this run noted come back (and are announced); compensation
 * forgets the notes it wrote, each only while the referral still holds that
 * note (`forgetRewards`: a take-back that took the rewards back meanwhile, and
 * said so on the referral, is kept), so the repair pass picks the others up.
 */
export const recordReferralRewardPageStep = createStep(
  recordReferralRewardPageStepId,
  async (rows: { referral_id: string; referrer_entry_id: string | null; referee_entry_id: string | null }[], { container }) => {
    const { posted, notes } = await referralsService(container).recordRewardsPage(rows)
    return new StepResponse<PostedReward[], RewardsNote[]>(posted, notes)
  },
  async (notes, { container }) => {
    if (notes?.length) {
      await referralsService(container).forgetRewards(notes)
    }
  }
)
