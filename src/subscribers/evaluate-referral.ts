import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { LoyaltyEvents, PointsEventData } from "../lib/events"
import { evaluateReferralWorkflow } from "../workflows/referrals"

/**
 * A friend's order moved in the points ledger: earned (placed), released
 * (past its return window) or reversed (canceled, refunded). Look at their
 * referral again at once; the hourly job does the same for anything missed.
 */
export default async function evaluateReferralOnPoints({ event, container }: SubscriberArgs<PointsEventData>) {
  if (!event.data?.order_id) return
  await evaluateReferralWorkflow(container).run({
    input: { referee_id: event.data.customer_id, now: new Date() },
  })
}

export const config: SubscriberConfig = {
  event: [LoyaltyEvents.POINTS_EARNED, LoyaltyEvents.POINTS_RELEASED, LoyaltyEvents.POINTS_REVERSED],
  context: { subscriberId: "loyalty-evaluate-referral" },
}
