import { createPassWorkflow } from "../shared/create-pass-workflow"
import { evaluateOpenReferralsStep } from "./steps/evaluate-open-referrals"
import { repairReferralRewardsStep } from "./steps/repair-referral-rewards"
import { takeBackLostReferralRewardsStep } from "./steps/take-back-lost-referral-rewards"

export const evaluateReferralsWorkflowId = "loyalty-evaluate-referrals"

/**
 * The hourly pass over referrals: evaluate open referrals (qualify, flag,
 * reward), then repair rewarded referrals whose entries were never noted (and
 * prune old claim attempts), then take back the rewards of paid referrals
 * whose order was canceled or refunded in full and whose take-back event was
 * lost. Takes `now` so tests and back-fills can run it at
 * any date.
 *
 * @summary Qualify, flag and reward open referrals; repair payments and take-backs that never ran.
 *
 * @example
 * await evaluateReferralsWorkflow(container).run({ input: { now: new Date() } })
 */
export const evaluateReferralsWorkflow = createPassWorkflow(evaluateReferralsWorkflowId, {
  evaluated: evaluateOpenReferralsStep,
  repaired: repairReferralRewardsStep,
  taken_back: takeBackLostReferralRewardsStep,
})
