import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { releaseCanceledOrderCampaignAwardsWorkflow } from "../workflows/campaigns"
import { takeBackFeedbackPointsWorkflow } from "../workflows/insights"
import { takeBackReferralRewardsWorkflow } from "../workflows/referrals"
import { refundCanceledOrderCouponsWorkflow } from "../workflows/rewards"
import { runInTurn } from "../workflows/shared/run-in-turn"

/**
 * A canceled order keeps no points given because of it: its feedback points,
 * and the referral rewards it earned (unless the referral program keeps them);
 * and it gives back the points of the coupons bought with points that it used
 * and its campaign awards to the campaigns' budgets and caps. Four
 * workflows, each idempotent: a redelivered event moves nothing twice.
 */
export default async function takeBackOnOrderCanceled({ event, container }: SubscriberArgs<{ id: string }>) {
  await runInTurn(
    container,
    [
      takeBackFeedbackPointsWorkflow,
      takeBackReferralRewardsWorkflow,
      refundCanceledOrderCouponsWorkflow,
      releaseCanceledOrderCampaignAwardsWorkflow,
    ],
    { order_id: event.data.id }
  )
}

export const config: SubscriberConfig = {
  event: "order.canceled",
  context: { subscriberId: "loyalty-take-back-on-cancel" },
}
