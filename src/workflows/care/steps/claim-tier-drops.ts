import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { TierExpiringEventData } from "../../../lib/shared/events"
import { forEachDue } from "../../../lib/shared/pages"
import { tiersService } from "../../tiers/steps/resolve-service"

export const claimTierDropsStepId = "loyalty-claim-tier-drops-step"

const BATCH = 500

/**
 * Claim every member whose earned tier would drop at a review within `days`
 * of `now` and who was not warned for this period, a page at a time (each
 * page its own transaction, marking the members it warns). Compensation
 * unmarks them, so a run whose events could not be emitted is redone by the
 * next one.
 */
export const claimTierDropsStep = createStep(
  claimTierDropsStepId,
  async (input: { now: Date; days: number }, { container }) => {
    const service = tiersService(container)
    const claimed: TierExpiringEventData[] = []
    if (input.days > 0) {
      // Members in customer order after the previous page's last; a page that scanned fewer than it asked for was the last.
      await forEachDue<TierExpiringEventData, string>(
        async (after) => {
          const page = await service.claimTierDropReminders({ now: new Date(input.now), days: input.days, after, limit: BATCH })
          return { items: page.reminders, next: page.scanned < BATCH ? null : page.last }
        },
        async (reminder) => {
          claimed.push(reminder)
        }
      )
    }
    return new StepResponse(claimed, claimed.map((reminder) => reminder.customer_id))
  },
  async (customerIds, { container }) => {
    if (customerIds?.length) await tiersService(container).unclaimTierDropReminders(customerIds)
  }
)
