import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { evaluateCustomerTierWorkflow } from "./evaluate-customer-tier"
import { loadReleaseActivityStep } from "./steps/load-release-activity"
import { recordTierActivityStep } from "./steps/record-tier-activity"

export const recordOrderQualificationWorkflowId = "loyalty-record-order-qualification"

export type RecordOrderQualificationInput = {
  /** The `release` ledger entry (`loyalty.points.released`'s `id`). */
  entry_id: string
  customer_id: string
  now: Date
}

/**
 * An order's points were released, so the order now counts toward tiers:
 * record it as qualifying activity (points without multiplier, eligible
 * spend, one order), once per release, then upgrade the customer if that
 * reaches a higher tier. Because only released orders count, a canceled or
 * fully refunded order never upgrades anyone.
 *
 * @summary Count a released order toward tiers and upgrade.
 *
 * @example
 * await recordOrderQualificationWorkflow(container).run({
 *   input: { entry_id: "lent_123", customer_id: "cus_123", now: new Date() },
 * })
 */
export const recordOrderQualificationWorkflow = createWorkflow(
  recordOrderQualificationWorkflowId,
  (input: RecordOrderQualificationInput) => {
    const activity = loadReleaseActivityStep(input)
    const recorded = recordTierActivityStep(activity)
    const evaluated = evaluateCustomerTierWorkflow.runAsStep({
      input: transform({ input }, ({ input }) => ({ customer_id: input.customer_id, now: input.now })),
    })
    return new WorkflowResponse({ activity, recorded, evaluated })
  }
)
