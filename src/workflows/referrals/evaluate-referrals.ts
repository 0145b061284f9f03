import { createPassWorkflow } from "../shared/create-pass-workflow"
import { evaluateOpenReferralsStep } from "./steps/evaluate-open-referrals"
import { repairReferralRewardsStep } from "./steps/repair-referral-rewards"

export const evaluateReferralsWorkflowId = "loyalty-evaluate-referrals"

/**
 * The hourly pass over referrals: evaluate open referrals (qualify, flag,
 * reward), then repair rewarded referrals whose entries were never noted (and
 * prune old claim attempts). Takes `now` so tests and back-fills can run it
 * at any date. Take-backs whose event was lost are the daily
 * `takeBackLostReferralRewardsWorkflow`'s.
 *
 * @summary Qualify, flag and reward open referrals; repair payments that never ran.
 *
 * @example
 * await evaluateReferralsWorkflow(container).run({ input: { now: new Date() } })
 */
export const evaluateReferralsWorkflow = createPassWorkflow(evaluateReferralsWorkflowId, {
  evaluated: evaluateOpenReferralsStep,
  repaired: repairReferralRewardsStep,
})
