import { createPassWorkflow } from "../shared/create-pass-workflow"
import { catchUpTierActivityStep } from "./steps/catch-up-tier-activity"
import { endDueTierOverridesStep } from "./steps/end-due-tier-overrides"
import { reviewDueTiersStep } from "./steps/review-due-tiers"
import { syncTierGroupsStep } from "./steps/sync-tier-groups"
import { upgradeQualifiedCustomersStep } from "./steps/upgrade-qualified-customers"

export const evaluateTiersWorkflowId = "loyalty-evaluate-tiers"

/**
 * The daily tier pass, as of `now`: count releases whose event was lost, end
 * overrides past their date, review customers whose period (plus grace)
 * ended, upgrade anyone whose activity reaches a higher tier, and repair
 * customer-group membership. Every part finds nothing left to do on a second
 * run at the same `now`, so re-running the job changes nothing.
 *
 * @summary The daily evaluation of membership tiers.
 *
 * @example
 * await evaluateTiersWorkflow(container).run({ input: { now: new Date() } })
 */
export const evaluateTiersWorkflow = createPassWorkflow(evaluateTiersWorkflowId, {
  counted: catchUpTierActivityStep,
  overrides_ended: endDueTierOverridesStep,
  reviews: reviewDueTiersStep,
  upgraded: upgradeQualifiedCustomersStep,
  groups: syncTierGroupsStep,
})

export const endDueTierOverridesWorkflowId = "loyalty-end-due-tier-overrides"

/**
 * End every override whose end date has passed, as of `now`. The job runs it
 * every minute, so the customer group (and the prices and promotions aimed at
 * it) follows an override's end within the minute instead of at the daily
 * pass; reads already treat an override past its date as ended.
 *
 * @summary End tier overrides whose end date has passed.
 *
 * @example
 * await endDueTierOverridesWorkflow(container).run({ input: { now: new Date() } })
 */
export const endDueTierOverridesWorkflow = createPassWorkflow(endDueTierOverridesWorkflowId, {
  overrides_ended: endDueTierOverridesStep,
})
