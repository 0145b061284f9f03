import { asOneBatch, attempt, attemptEachDue } from "../../../lib/shared/pages"
import { createPassStep } from "../../shared/create-pass-step"
import { reviewCustomerTierWorkflow } from "../review-customer-tier"
import { reviewTierPageWorkflow } from "../review-tier-page"
import { tiersService } from "./resolve-service"

export const reviewDueTiersStepId = "loyalty-review-due-tiers-step"

/** Customers a page reviews: its statements, compensation data and events stay this size. */
export const TIER_REVIEW_PAGE = 1000

/**
 * Review every customer whose period (plus grace days) has ended. Read a
 * page at a time in keyset order (period end, customer); each page is one
 * `reviewTierPageWorkflow`, which commits the page set-based, moves its
 * groups, emits its events and, if it fails, undoes only that page (logged;
 * its customers are still due for the next run). The few customers a page
 * leaves to the per-customer path (a row locked right then, an override
 * past its date, a review that earns a bonus) each get their own
 * `reviewCustomerTierWorkflow`. A review moves the period on, so a second run
 * finds nobody due, and a pass that dies resumes at the next run with what
 * is still due. Only counters outlive a page.
 */
export const reviewDueTiersStep = createPassStep(reviewDueTiersStepId, async (now, container) => {
  const totals = { reviewed: 0, changed: 0 }
  await attemptEachDue(container, {
    read: async (after) => asOneBatch(await tiersService(container).listDueReviews(now, after, TIER_REVIEW_PAGE)),
    what: (customerIds) => `Loyalty tiers: the period reviews of ${customerIds.length} customers from ${customerIds[0]}`,
    run: async (customerIds) => {
      const { result } = await reviewTierPageWorkflow(container).run({ input: { customer_ids: customerIds, now } })
      totals.reviewed += result.reviewed
      totals.changed += result.changed
      for (const customerId of result.deferred) {
        const one = await attempt(container, `Loyalty tiers: the period review of customer ${customerId}`, async () => {
          const { result } = await reviewCustomerTierWorkflow(container).run({ input: { customer_id: customerId, now } })
          return result.write?.changes.length ? 1 : 0
        })
        if (one.ok) {
          totals.reviewed++
          totals.changed += one.value
        }
      }
    },
  })
  return totals
})
