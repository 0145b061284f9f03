import { addDays } from "../../../lib/shared/dates"
import { asOneBatch, attempt, attemptEachDue } from "../../../lib/shared/pages"
import { createPassStep } from "../../shared/create-pass-step"
import { postReferralRewardsWorkflow } from "../post-referral-rewards"
import { postReferralRewardsPageWorkflow } from "../post-referral-rewards-page"
import { referralsService } from "./resolve-service"

export const repairReferralRewardsStepId = "loyalty-repair-referral-rewards-step"

/** Referrals a page pays: its statements, compensation data and events (three per referral) stay this size. */
export const REFERRAL_REPAIR_PAGE = 500
/** A rewarded referral without its ledger entries this long after is repaired (a crash between the two). */
const REPAIR_AFTER_MS = 10 * 60 * 1000
/** Claim attempts are kept this long; the rate-limit window is far shorter. */
const ATTEMPTS_KEPT_DAYS = 1

/**
 * Pay referrals that were marked rewarded but whose ledger entries were never
 * noted (the process died in between). Read a page at a time in keyset order
 * (rewarded at, id); each page is one `postReferralRewardsPageWorkflow`,
 * which pays it set-based and, if it fails, undoes only that page (logged).
 * Every referral of a page that failed then gets its own
 * `postReferralRewardsWorkflow`, so a referral that cannot be paid holds up
 * only itself. Both check the referral's order and customers right before
 * crediting (`settleReferralPayoutsStep`): one whose order was canceled or
 * refunded in full in the minutes since it was marked rewarded is not paid
 * (`forfeited`), and a deleted customer's side is not paid while the other
 * side is, so nothing here fails and rolls back again every hour. The credits are keyed per referral and side, so a credit that
 * did get written is not written again. Only counters outlive a page.
 */
export const repairReferralRewardsStep = createPassStep(repairReferralRewardsStepId, async (now, container) => {
  const service = referralsService(container)
  const before = new Date(now.getTime() - REPAIR_AFTER_MS)
  let repaired = 0
  await attemptEachDue(container, {
    read: async (after) => asOneBatch(await service.listUnpostedRewards(before, after, REFERRAL_REPAIR_PAGE)),
    what: (referralIds) => `Loyalty: paying ${referralIds.length} referrals from ${referralIds[0]}`,
    run: async (referralIds) => {
      const page = await attempt(container, `Loyalty: paying ${referralIds.length} referrals from ${referralIds[0]} as a page`, async () => {
        const { result } = await postReferralRewardsPageWorkflow(container).run({ input: { referral_ids: referralIds } })
        return result
      })
      if (page.ok) {
        repaired += page.value.posted
        return
      }
      for (const referralId of referralIds) {
        const one = await attempt(container, `Loyalty: paying referral ${referralId}`, async () => {
          const { result } = await postReferralRewardsWorkflow(container).run({ input: { referral_id: referralId } })
          return result ? 1 : 0
        })
        if (one.ok) repaired += one.value
      }
    },
  })
  await service.pruneClaimAttempts(addDays(now, -ATTEMPTS_KEPT_DAYS))
  return repaired
})
