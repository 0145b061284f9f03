import { attemptEachDue } from "../../../lib/shared/pages"
import { createPassStep } from "../../shared/create-pass-step"
import { reviewCustomerTierWorkflow } from "../review-customer-tier"
import { tiersService } from "./resolve-service"

export const reviewDueTiersStepId = "loyalty-review-due-tiers-step"

const BATCH = 500

/**
 * Review every customer whose period (plus grace days) has ended. A review
 * moves the period on, so a second run finds nobody due: idempotent.
 */
export const reviewDueTiersStep = createPassStep(reviewDueTiersStepId, async (now, container) => {
  const runs = await attemptEachDue(container, {
    size: BATCH,
    read: (take) => tiersService(container).listDueReviews(now, take),
    key: (customerId) => customerId,
    what: (customerId) => `Loyalty tiers: the period review of customer ${customerId}`,
    run: (customerId) => reviewCustomerTierWorkflow(container).run({ input: { customer_id: customerId, now } }),
  })
  return { reviewed: runs.length, changed: runs.filter((run) => run.result.write?.changes.length).length }
})
