import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { LoyaltyEvents, PointsReleasedEventData } from "../lib/shared/events"
import { recordOrderQualificationWorkflow } from "../workflows/tiers"

/**
 * An order's points were released (its return window passed and it was not
 * canceled): count it toward tiers and upgrade the customer if it reaches a
 * higher tier, from what the event carries. Keyed by the release, so
 * redelivery counts once; the daily tier job catches up a release whose
 * event was lost.
 */
export default async function countReleaseTowardTier({ event, container }: SubscriberArgs<PointsReleasedEventData>) {
  if (event.data.type !== "release" || !event.data.order_id) return
  await recordOrderQualificationWorkflow(container).run({
    input: { release: event.data, now: new Date() },
  })
}

export const config: SubscriberConfig = {
  event: LoyaltyEvents.POINTS_RELEASED,
  context: { subscriberId: "loyalty-tier-qualification" },
}
