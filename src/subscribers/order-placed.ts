import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { inAwardLane } from "../lib/shared/background-lane"
import { awardOrderPointsWorkflow } from "../workflows/points"

/**
 * A member's order earns pending points. Redelivery is harmless (the award is
 * keyed by order) and a lost event is caught up by the release job. The award
 * takes its turn in the process's award lane (at most two at once where the
 * process also serves requests), so a burst of orders does not slow down the
 * checkouts still running beside it.
 */
export default async function awardPointsOnOrderPlaced({ event, container }: SubscriberArgs<{ id: string }>) {
  await inAwardLane(container, () => awardOrderPointsWorkflow(container).run({ input: { order_id: event.data.id } }))
}

export const config: SubscriberConfig = {
  event: "order.placed",
  context: { subscriberId: "loyalty-award-order-points" },
}
