import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { reverseOrderPointsWorkflow } from "../workflows/points"
import { refundCanceledOrderCouponsWorkflow } from "../workflows/rewards"

/**
 * A canceled order keeps none of its points, and gives back the points of the
 * coupons bought with points that it used (Medusa's cancel leaves their
 * promotions used). The coupons' points come back first, then the order is
 * recomputed: what it earned is taken from the first-expiring points, the
 * coupons' included (docs/points.md, "Coupons"). In the other order (two
 * subscribers racing) the same points were taken from other lots and the
 * coupons' came back whole: the same balance, but other expiry dates.
 *
 * So both run in this one handler, in turn: a give-back that fails fails the
 * handler before the reversal, and the event delivered again runs both (each
 * idempotent). The other cancel take-backs run in their own subscriber, so a
 * failure there does not hold this one back, nor this one them.
 */
export default async function reversePointsOnOrderCanceled({ event, container }: SubscriberArgs<{ id: string }>) {
  await refundCanceledOrderCouponsWorkflow(container).run({ input: { order_id: event.data.id } })
  await reverseOrderPointsWorkflow(container).run({
    input: { order_id: event.data.id, trigger: event.name },
  })
}

export const config: SubscriberConfig = {
  event: "order.canceled",
  context: { subscriberId: "loyalty-reverse-on-cancel" },
}
