import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { PointsReleasedEventData } from "../../lib/shared/events"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"
import { releaseActivity } from "../../lib/tiers/rules"
import { ActivityInput } from "../../modules/loyalty-tiers/types"
import { evaluateCustomerTierWorkflow } from "./evaluate-customer-tier"
import { recordTierActivityStep } from "./steps/record-tier-activity"

export const recordOrderQualificationWorkflowId = "loyalty-record-order-qualification"

export type RecordOrderQualificationInput = {
  /** The release, as `loyalty.points.released` carries it. */
  release: PointsReleasedEventData
  now: Date
}

/**
 * What a release of an order's points adds to the customer's qualifying
 * activity (points without multiplier, the released share of the eligible
 * spend, one order); null for anything that is not an order's release.
 */
export function releaseActivityOf(release: PointsReleasedEventData): ActivityInput | null {
  if (release.type !== "release" || !release.order_id) return null
  return {
    customer_id: release.customer_id,
    order_id: release.order_id,
    currency_code: release.currency_code,
    ...releaseActivity({
      released_points: release.points,
      earned_points: release.earned_points,
      eligible_amount: release.eligible_amount,
      multiplier: release.multiplier,
    }),
    occurred_at: new Date(release.released_at),
    source_id: release.id,
    idempotency_key: IdempotencyKeys.releaseActivity(release.id),
  }
}

/**
 * An order's points were released, so the order now counts toward tiers:
 * record it as qualifying activity from the facts the release event carries,
 * once per release, then upgrade the customer if that reaches a higher tier.
 * Because only released orders count, a canceled or fully refunded order
 * never upgrades anyone. The flow goes one way: the points module announces,
 * the tiers count; nothing here reads the ledger.
 *
 * @summary Count a released order toward tiers and upgrade.
 *
 * @example
 * await recordOrderQualificationWorkflow(container).run({
 *   input: { release: event.data, now: new Date() },
 * })
 */
export const recordOrderQualificationWorkflow = createWorkflow(
  recordOrderQualificationWorkflowId,
  (input: RecordOrderQualificationInput) => {
    const activity = transform({ input }, ({ input }) => releaseActivityOf(input.release))
    const recorded = recordTierActivityStep(activity)
    const evaluated = evaluateCustomerTierWorkflow.runAsStep({
      input: transform({ input }, ({ input }) => ({ customer_id: input.release.customer_id, now: input.now })),
    })
    return new WorkflowResponse({ activity, recorded, evaluated })
  }
)
