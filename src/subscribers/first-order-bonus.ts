import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { pagedHandling } from "../lib/shared/batched-calls"
import { LoyaltyEvents, PointsReleasedEventData } from "../lib/shared/events"
import { awardFirstOrderBonusesWorkflow, awardFirstOrderBonusWorkflow } from "../workflows/care"
import type { ReleasedOrder } from "../workflows/care/steps/load-first-kept-orders"

const payForReleasedOrder = pagedHandling<ReleasedOrder>("Loyalty: the first-order bonus of released orders", (container) => ({
  page: async (orders) => {
    await awardFirstOrderBonusesWorkflow(container).run({ input: { orders } })
  },
  each: async (order) => {
    await awardFirstOrderBonusWorkflow(container).run({
      input: { customer_id: order.customer_id, order_id: order.order_id, now: new Date(order.released_at) },
    })
  },
}))

/**
 * An order's points were released: if it is the member's first kept order
 * and the store has a `first_order` action, pay it (once per member). The
 * releases of one page arrive together and are looked at by one workflow
 * (`awardFirstOrderBonusesWorkflow`: two reads for the page); a page that
 * fails is tried again one order at a time.
 */
export default async function payFirstOrderBonus({ event, container }: SubscriberArgs<PointsReleasedEventData>) {
  if (event.data.type !== "release" || !event.data.order_id) return
  await payForReleasedOrder(container, {
    customer_id: event.data.customer_id,
    order_id: event.data.order_id,
    // Dated when the points were released (a back-filled release pays as of then).
    released_at: new Date(event.data.released_at ?? Date.now()),
  })
}

export const config: SubscriberConfig = {
  event: LoyaltyEvents.POINTS_RELEASED,
  context: { subscriberId: "loyalty-first-order-bonus" },
}
