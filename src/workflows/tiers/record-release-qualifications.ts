import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { PointsReleasedEventData } from "../../lib/shared/events"
import { ActivityInput } from "../../modules/loyalty-tiers/types"
import { releaseActivityOf } from "./record-order-qualification"
import { evaluateCustomerTiersStep } from "./steps/evaluate-customer-tiers"
import { recordTierActivitiesStep } from "./steps/record-tier-activities"
import { splitReleasePageStep } from "./steps/split-release-page"

export const recordReleaseQualificationsWorkflowId = "loyalty-record-release-qualifications"

export type RecordReleaseQualificationsInput = {
  /** Releases, as `loyalty.points.released` carries them (a release page's events, say). */
  releases: PointsReleasedEventData[]
  now: Date
}

/**
 * `recordOrderQualificationWorkflow` for many releases at once, so that a
 * release page's 500 events cost the tiers a few statements instead of 500
 * workflow runs: the activities in one insert (once per release, as one by
 * one), then one read of whose tier that changes, and the per-customer
 * evaluation only for them (an upgrade, a tier kept longer, an override run
 * out). Everyone else ends as one-by-one recording leaves them. The releases
 * of a customer with several in the page whose tier they would move are not
 * counted here but returned in `one_by_one`, for the caller to count one at
 * a time in that order (each may move them a tier and pay its bonus). If the
 * activities cannot be written, nothing of the page is.
 *
 * @summary Count a page of released orders toward tiers and upgrade.
 *
 * @example
 * await recordReleaseQualificationsWorkflow(container).run({ input: { releases, now: new Date() } })
 */
export const recordReleaseQualificationsWorkflow = createWorkflow(
  recordReleaseQualificationsWorkflowId,
  (input: RecordReleaseQualificationsInput) => {
    const split = splitReleasePageStep({ releases: input.releases, now: input.now })
    const activities = transform({ split }, ({ split }) =>
      split.page.map(releaseActivityOf).filter((activity): activity is ActivityInput => !!activity)
    )
    const recorded = recordTierActivitiesStep(activities)
    const evaluated = evaluateCustomerTiersStep(
      transform({ activities, input }, ({ activities, input }) => ({
        customer_ids: [...new Set(activities.map((activity) => activity.customer_id))],
        now: input.now,
      }))
    )
    return new WorkflowResponse(
      transform({ recorded, evaluated, split }, ({ recorded, evaluated, split }) => ({
        recorded: recorded.recorded,
        evaluated: evaluated.evaluated,
        changed: evaluated.changed,
        failed: evaluated.failed,
        /** Releases of customers with several in the page: for `recordOrderQualificationWorkflow`, one at a time, in this order. */
        one_by_one: split.one_by_one,
      }))
    )
  }
)
