import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { orderOfPayment } from "../workflows/shared/order-of-payment"
import { reverseOrderPointsWorkflow } from "../workflows/points"

/**
 * `payment.refunded` carries only the payment id: find its order and
 * recompute the reversal from all of the order's refunds so far.
 */
export default async function reversePointsOnRefund({ event, container }: SubscriberArgs<{ id: string }>) {
  const orderId = await orderOfPayment(container, event.data.id)
  if (!orderId) return
  await reverseOrderPointsWorkflow(container).run({
    input: { order_id: orderId, trigger: `${event.name}:${event.data.id}` },
  })
}

export const config: SubscriberConfig = {
  event: "payment.refunded",
  context: { subscriberId: "loyalty-reverse-on-refund" },
}
