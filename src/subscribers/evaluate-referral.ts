import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { LoyaltyEvents, PointsEventData } from "../lib/shared/events"
import { OPEN_REFERRAL_STATUSES } from "../lib/referrals/rules"
import { LOYALTY_REFERRALS_MODULE } from "../modules/loyalty-referrals"
import type LoyaltyReferralsModuleService from "../modules/loyalty-referrals/service"
import { evaluateReferralWorkflow } from "../workflows/referrals"

/**
 * A friend's order moved in the points ledger: earned (placed), released
 * (past its return window) or reversed (canceled, refunded). Look at their
 * referral again at once; the hourly job does the same for anything missed.
 * Most shoppers were never referred: their events say so (`referred: false`,
 * from their account, which a claim marks before it records the referral),
 * and cost no read; an event that does not say reads the referral by referee.
 */
export default async function evaluateReferralOnPoints({ event, container }: SubscriberArgs<PointsEventData>) {
  if (!event.data?.order_id || event.data.referred === false) return
  const referrals = container.resolve<LoyaltyReferralsModuleService>(LOYALTY_REFERRALS_MODULE)
  const [referral] = await referrals.listReferrals({ referee_id: event.data.customer_id }, { take: 1 })
  if (!referral || !OPEN_REFERRAL_STATUSES.includes(referral.status)) return
  await evaluateReferralWorkflow(container).run({
    input: { referral_id: referral.id, now: new Date() },
  })
}

export const config: SubscriberConfig = {
  event: [LoyaltyEvents.POINTS_EARNED, LoyaltyEvents.POINTS_RELEASED, LoyaltyEvents.POINTS_REVERSED],
  context: { subscriberId: "loyalty-evaluate-referral" },
}
