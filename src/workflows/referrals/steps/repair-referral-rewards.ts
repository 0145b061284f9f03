import { addDays } from "../../../lib/shared/dates"
import { attemptEachDue } from "../../../lib/shared/pages"
import { createPassStep } from "../../shared/create-pass-step"
import { postReferralRewardsWorkflow } from "../post-referral-rewards"
import { referralsService } from "./resolve-service"

export const repairReferralRewardsStepId = "loyalty-repair-referral-rewards-step"

const BATCH = 200
/** A rewarded referral without its ledger entries this long after is repaired (a crash between the two). */
const REPAIR_AFTER_MS = 10 * 60 * 1000
/** Claim attempts are kept this long; the rate-limit window is far shorter. */
const ATTEMPTS_KEPT_DAYS = 1

/**
 * Pay referrals that were marked rewarded but whose ledger entries were never
 * noted (the process died in between). The credits are keyed per referral
 * and side, so a credit that did get written is not written again.
 */
export const repairReferralRewardsStep = createPassStep(repairReferralRewardsStepId, async (now, container) => {
  const service = referralsService(container)
  const before = new Date(now.getTime() - REPAIR_AFTER_MS)
  let repaired = 0
  await attemptEachDue(container, {
    read: (after) => service.listUnpostedRewards(before, after, BATCH),
    what: (referralId) => `Loyalty: paying referral ${referralId}`,
    run: async (referralId) => {
      const { result } = await postReferralRewardsWorkflow(container).run({ input: { referral_id: referralId } })
      if (result) repaired++
    },
  })
  await service.pruneClaimAttempts(addDays(now, -ATTEMPTS_KEPT_DAYS))
  return repaired
})
