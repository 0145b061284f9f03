import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { orderOfPayment } from "../workflows/shared/order-of-payment"
import { takeBackReferralRewardsWorkflow } from "../workflows/referrals"

/**
 * A refund may make a referral's qualifying order refunded in full: then its
 * rewards are taken back (unless the referral program keeps them).
 * `payment.refunded` carries the payment id only: find its order first.
 */
export default async function takeBackReferralRewardsOnRefund({ event, container }: SubscriberArgs<{ id: string }>) {
  const orderId = await orderOfPayment(container, event.data.id)
  if (!orderId) return
  await takeBackReferralRewardsWorkflow(container).run({ input: { order_id: orderId } })
}

export const config: SubscriberConfig = {
  event: "payment.refunded",
  context: { subscriberId: "loyalty-take-back-referral-rewards-on-refund" },
}
