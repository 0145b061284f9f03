import { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { pagedHandling } from "../lib/shared/batched-calls"
import { LoyaltyEvents, PointsReleasedEventData } from "../lib/shared/events"
import { recordOrderQualificationWorkflow, recordReleaseQualificationsWorkflow } from "../workflows/tiers"

const countRelease = pagedHandling<PointsReleasedEventData>("Loyalty tiers: counting releases", (container) => ({
  page: async (releases) => {
    const { result } = await recordReleaseQualificationsWorkflow(container).run({ input: { releases, now: new Date() } })
    for (const release of result.one_by_one) {
      await recordOrderQualificationWorkflow(container).run({ input: { release, now: new Date() } })
    }
  },
  each: async (release) => {
    await recordOrderQualificationWorkflow(container).run({ input: { release, now: new Date() } })
  },
}))

/**
 * An order's points were released (its return window passed and it was not
 * canceled): count it toward tiers and upgrade the customer if it reaches a
 * higher tier, from what the event carries. Keyed by the release, so
 * redelivery counts once; the daily tier job catches up a release whose
 * event was lost. The releases of one page arrive together and are counted
 * by one workflow (`recordReleaseQualificationsWorkflow`); a page that
 * fails is counted again one release at a time, so one customer's failure
 * fails only their own event.
 */
export default async function countReleaseTowardTier({ event, container }: SubscriberArgs<PointsReleasedEventData>) {
  if (event.data.type !== "release" || !event.data.order_id) return
  await countRelease(container, event.data)
}

export const config: SubscriberConfig = {
  event: LoyaltyEvents.POINTS_RELEASED,
  context: { subscriberId: "loyalty-tier-qualification" },
}
