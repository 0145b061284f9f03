import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { referralsService } from "./resolve-service"

export const loadRewardedReferralOfOrderStepId = "loyalty-load-rewarded-referral-of-order-step"

export type RewardedReferral = {
  id: string
  referrer_id: string
  referee_id: string
  /** False while the credits are not posted yet (marked rewarded, then a crash or a run still on its way). */
  posted: boolean
}

/** The rewarded referral whose qualifying order this is; null for any other order. */
export const loadRewardedReferralOfOrderStep = createStep(
  loadRewardedReferralOfOrderStepId,
  async (input: { order_id: string }, { container }) => {
    const [referral] = await referralsService(container).listReferrals(
      { order_id: input.order_id, status: "rewarded" },
      { select: ["id", "referrer_id", "referee_id", "rewards_posted_at"], take: 1 }
    )
    return new StepResponse<RewardedReferral | null>(
      referral
        ? { id: referral.id, referrer_id: referral.referrer_id, referee_id: referral.referee_id, posted: !!referral.rewards_posted_at }
        : null
    )
  }
)
