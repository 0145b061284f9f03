import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ReferralRecord, ReferralTransition } from "../../../modules/loyalty-referrals/types"
import { referralsService } from "./resolve-service"

type ReferralsService = ReturnType<typeof referralsService>

/**
 * A step that changes a referral's status through the referrals module (mark
 * it qualified or rewarded, flag it, apply an admin's decision). Each change
 * locks the row and checks the current status, so of two runs racing only
 * one changes it; the other gets null and does nothing further. The step
 * returns the referral as changed (null when it lost the race), and
 * compensation puts the row back as it was if it is still as the step left
 * it (`restoreReferral`: a change another flow made since is kept). So the
 * status steps differ only in which change they make.
 */
export function createReferralTransitionStep<I>(
  id: string,
  transition: (service: ReferralsService, input: I) => Promise<ReferralTransition | null>
) {
  return createStep<I, ReferralRecord | null, ReferralTransition | null>(
    id,
    async (input, { container }) => {
      const done = await transition(referralsService(container), input)
      return new StepResponse<ReferralRecord | null, ReferralTransition | null>(done?.referral ?? null, done ?? null)
    },
    async (change, { container }) => {
      if (change) {
        await referralsService(container).restoreReferral(change)
      }
    }
  )
}
