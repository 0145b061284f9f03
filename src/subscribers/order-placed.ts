import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { awardOrderPointsWorkflow } from "../workflows/points"

/**
 * A member's order earns pending points. Redelivery is harmless (the award is
 * keyed by order) and a lost event is caught up by the release job.
 */
export default async function awardPointsOnOrderPlaced({ event, container }: SubscriberArgs<{ id: string }>) {
  await awardOrderPointsWorkflow(container).run({ input: { order_id: event.data.id } })
}

export const config: SubscriberConfig = {
  event: "order.placed",
  context: { subscriberId: "loyalty-award-order-points" },
}
