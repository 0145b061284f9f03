import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ReferralRecord } from "../../../modules/loyalty-referrals/types"
import { referralsService } from "./resolve-service"

export const loadReferralRewardPageStepId = "loyalty-load-referral-reward-page-step"

export type ReferralRewardPage = {
  /** The page's referrals still rewarded and not posted, in the page's order. */
  referrals: ReferralRecord[]
}

/**
 * Read a page of referrals to pay, in one read. What each pays (its order
 * canceled meanwhile, a side's customer deleted) is settled by the next
 * step, `settleReferralPayoutsStep`, by the same rule as a single referral.
 */
export const loadReferralRewardPageStep = createStep(
  loadReferralRewardPageStepId,
  async (input: { referral_ids: string[] }, { container }) => {
    const found = await referralsService(container).listReferrals(
      { id: input.referral_ids, status: "rewarded", rewards_posted_at: null },
      { take: null }
    )
    const byId = new Map(found.map((referral) => [referral.id, referral as ReferralRecord]))
    return new StepResponse<ReferralRewardPage>({ referrals: input.referral_ids.flatMap((id) => byId.get(id) ?? []) })
  }
)
