import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { LoyaltyEvents, PointsReleasedEventData } from "../lib/shared/events"
import { awardFirstOrderBonusWorkflow } from "../workflows/care"

/**
 * An order's points were released: if it is the member's first kept order
 * and the store has a `first_order` action, pay it (once per member).
 */
export default async function payFirstOrderBonus({ event, container }: SubscriberArgs<PointsReleasedEventData>) {
  if (event.data.type !== "release" || !event.data.order_id) return
  await awardFirstOrderBonusWorkflow(container).run({
    // Dated when the points were released (a back-filled release pays as of then).
    input: { customer_id: event.data.customer_id, order_id: event.data.order_id, now: new Date(event.data.released_at ?? Date.now()) },
  })
}

export const config: SubscriberConfig = {
  event: LoyaltyEvents.POINTS_RELEASED,
  context: { subscriberId: "loyalty-first-order-bonus" },
}
