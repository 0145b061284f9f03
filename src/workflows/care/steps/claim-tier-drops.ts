import { TierExpiringEventData } from "../../../lib/shared/events"
import { forEachDue } from "../../../lib/shared/pages"
import { tiersService } from "../../tiers/steps/resolve-service"
import { createClaimStep } from "./create-claim-step"

export const claimTierDropsStepId = "loyalty-claim-tier-drops-step"

const BATCH = 500

/**
 * Claim every member whose earned tier would drop at a review within `days`
 * of `now` and who was not warned for this period, a page at a time (each
 * page its own transaction, marking the members it warns). Compensation
 * unmarks them, so a run whose events could not be emitted is redone by the
 * next one.
 */
export const claimTierDropsStep = createClaimStep(claimTierDropsStepId, tiersService, {
  claim: async (service, now, days) => {
    const claimed: TierExpiringEventData[] = []
    // Members in customer order after the previous page's last; a page that scanned fewer than it asked for was the last.
    await forEachDue<TierExpiringEventData, string>(
      async (after) => {
        const page = await service.claimTierDropReminders({ now, days, after, limit: BATCH })
        return { items: page.reminders, next: page.scanned < BATCH ? null : page.last }
      },
      async (reminder) => {
        claimed.push(reminder)
      }
    )
    return claimed
  },
  key: (reminder) => reminder.customer_id,
  unclaim: (service, customerIds) => service.unclaimTierDropReminders(customerIds),
})
