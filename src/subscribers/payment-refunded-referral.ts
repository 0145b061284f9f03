import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { takeBackReferralRewardsWorkflow } from "../workflows/referrals"

/**
 * A refund may make a referral's qualifying order refunded in full: then its
 * rewards are taken back (unless the referral program keeps them).
 * `payment.refunded` carries the payment id only: find its order first.
 */
export default async function takeBackReferralRewardsOnRefund({ event, container }: SubscriberArgs<{ id: string }>) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "payment",
    fields: ["id", "payment_collection.order.id"],
    filters: { id: event.data.id },
  })
  const orderId = data[0]?.payment_collection?.order?.id
  if (!orderId) return
  await takeBackReferralRewardsWorkflow(container).run({ input: { order_id: orderId } })
}

export const config: SubscriberConfig = {
  event: "payment.refunded",
  context: { subscriberId: "loyalty-take-back-referral-rewards-on-refund" },
}
