import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { reverseOrderPointsWorkflow } from "../workflows/points"

/**
 * A received return refunds nothing by itself, so this only recomputes the
 * money-based reversal; the points follow when the refund is made, once.
 */
export default async function reversePointsOnReturnReceived({
  event,
  container,
}: SubscriberArgs<{ order_id: string; return_id: string }>) {
  await reverseOrderPointsWorkflow(container).run({
    input: { order_id: event.data.order_id, trigger: `${event.name}:${event.data.return_id}` },
  })
}

export const config: SubscriberConfig = {
  event: "order.return_received",
  context: { subscriberId: "loyalty-reverse-on-return" },
}
