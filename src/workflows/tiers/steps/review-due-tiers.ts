import { attemptEachDue } from "../../../lib/shared/pages"
import { createPassStep } from "../../shared/create-pass-step"
import { reviewCustomerTierWorkflow } from "../review-customer-tier"
import { tiersService } from "./resolve-service"

export const reviewDueTiersStepId = "loyalty-review-due-tiers-step"

const BATCH = 500

/**
 * Review every customer whose period (plus grace days) has ended. A review
 * moves the period on, so a second run finds nobody due: idempotent. Read a
 * page at a time in keyset order; each review commits on its own.
 */
export const reviewDueTiersStep = createPassStep(reviewDueTiersStepId, async (now, container) => {
  let changed = 0
  const reviewed = await attemptEachDue(container, {
    read: (after) => tiersService(container).listDueReviews(now, after, BATCH),
    what: (customerId) => `Loyalty tiers: the period review of customer ${customerId}`,
    run: async (customerId) => {
      const { result } = await reviewCustomerTierWorkflow(container).run({ input: { customer_id: customerId, now } })
      if (result.write?.changes.length) changed++
    },
  })
  return { reviewed, changed }
})
