import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { attempt, forEachDue } from "../../../lib/shared/pages"
import { reviewCustomerTierWorkflow } from "../review-customer-tier"
import { tiersService } from "./resolve-service"

export const reviewDueTiersStepId = "loyalty-review-due-tiers-step"

const BATCH = 500

/**
 * Review every customer whose period (plus grace days) has ended. A review
 * moves the period on, so a second run finds nobody due: idempotent.
 */
export const reviewDueTiersStep = createStep(
  reviewDueTiersStepId,
  async (input: { now: Date }, { container }) => {
    const now = new Date(input.now)
    let changed = 0
    let reviewed = 0
    await forEachDue(
      BATCH,
      (take) => tiersService(container).listDueReviews(now, take),
      (customerId) => customerId,
      async (customerId) => {
        const done = await attempt(container, `Loyalty tiers: the period review of customer ${customerId}`, () =>
          reviewCustomerTierWorkflow(container).run({ input: { customer_id: customerId, now } })
        )
        if (!done.ok) return true
        reviewed++
        if (done.value.result.write?.changes.length) changed++
        return false
      }
    )
    return new StepResponse({ reviewed, changed })
  }
)
