import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { reverseOrderPointsWorkflow } from "../workflows/points"

/**
 * `payment.refunded` carries only the payment id: find its order and
 * recompute the reversal from all of the order's refunds so far.
 */
export default async function reversePointsOnRefund({ event, container }: SubscriberArgs<{ id: string }>) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "payment",
    fields: ["id", "payment_collection.order.id"],
    filters: { id: event.data.id },
  })
  const orderId = data[0]?.payment_collection?.order?.id
  if (!orderId) return
  await reverseOrderPointsWorkflow(container).run({
    input: { order_id: orderId, trigger: `${event.name}:${event.data.id}` },
  })
}

export const config: SubscriberConfig = {
  event: "payment.refunded",
  context: { subscriberId: "loyalty-reverse-on-refund" },
}
