import { createPassWorkflow } from "../shared/create-pass-workflow"
import { takeBackLostReferralRewardsStep } from "./steps/take-back-lost-referral-rewards"

export const takeBackLostReferralRewardsWorkflowId = "loyalty-take-back-lost-referral-rewards"

/**
 * The daily catch-up of referral take-backs: the rewards of paid referrals
 * whose qualifying order was canceled or refunded in full while the
 * take-back's event was lost. Daily, not with the hourly referral pass: it
 * reads every paid referral still `rewarded`, a set that grows with the
 * program's history, to repair what only a lost event leaves behind, so a
 * day's delay is the price of reading it 24 times less. Takes `now` like the
 * other passes.
 *
 * @summary Take back the rewards of paid referrals whose take-back never ran.
 *
 * @example
 * await takeBackLostReferralRewardsWorkflow(container).run({ input: { now: new Date() } })
 */
export const takeBackLostReferralRewardsWorkflow = createPassWorkflow(takeBackLostReferralRewardsWorkflowId, {
  taken_back: takeBackLostReferralRewardsStep,
})
