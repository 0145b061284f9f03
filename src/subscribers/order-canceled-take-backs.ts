import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { releaseCanceledOrderCampaignAwardsWorkflow } from "../workflows/campaigns"
import { takeBackFeedbackPointsWorkflow } from "../workflows/insights"
import { takeBackReferralRewardsWorkflow } from "../workflows/referrals"
import { runInTurn } from "../workflows/shared/run-in-turn"

/**
 * A canceled order keeps no points given because of it: its feedback points,
 * and the referral rewards it earned (unless the referral program keeps them);
 * and it gives back its campaign awards to the campaigns' budgets and caps.
 * Three workflows, each idempotent: a redelivered event moves nothing twice.
 * (The points of the coupons bought with points that it used come back in
 * `order-canceled.ts`, right before the order's points are recomputed.)
 */
export default async function takeBackOnOrderCanceled({ event, container }: SubscriberArgs<{ id: string }>) {
  await runInTurn(
    container,
    [
      takeBackFeedbackPointsWorkflow,
      takeBackReferralRewardsWorkflow,
      releaseCanceledOrderCampaignAwardsWorkflow,
    ],
    { order_id: event.data.id }
  )
}

export const config: SubscriberConfig = {
  event: "order.canceled",
  context: { subscriberId: "loyalty-take-back-on-cancel" },
}
