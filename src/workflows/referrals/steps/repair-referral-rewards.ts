import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { addDays } from "../../../lib/shared/dates"
import { attempt, forEachDue } from "../../../lib/shared/pages"
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
export const repairReferralRewardsStep = createStep(
  repairReferralRewardsStepId,
  async (input: { now: Date }, { container }) => {
    const service = referralsService(container)
    const before = new Date(new Date(input.now).getTime() - REPAIR_AFTER_MS)
    let repaired = 0
    await forEachDue(
      BATCH,
      (take) => service.listUnpostedRewards(before, take),
      (referral) => referral.id,
      async (referral) => {
        const done = await attempt(container, `Loyalty: paying referral ${referral.id}`, () =>
          postReferralRewardsWorkflow(container).run({ input: { referral_id: referral.id } })
        )
        if (done.ok && done.value.result) {
          repaired++
          return false
        }
        return true
      }
    )
    await service.pruneClaimAttempts(addDays(new Date(input.now), -ATTEMPTS_KEPT_DAYS))
    return new StepResponse(repaired)
  }
)
