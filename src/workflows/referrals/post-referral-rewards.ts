import { emitEventStep } from "@medusajs/medusa/core-flows"
import type { AdditionalData } from "@medusajs/framework/types"
import { createHook, createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { referralRewardPosting } from "../../lib/referrals/rewards"
import { LoyaltyEvents, pointsEventsFor, ReferralRewardedEventData } from "../../lib/shared/events"
import { ReferralRecord } from "../../modules/loyalty-referrals/types"
import { loadProgramRulesStep } from "../points/steps/load-program-rules"
import { creditReferralRewardStep } from "./steps/credit-referral-rewards"
import { takeBackForfeitedRewardsStep } from "./steps/take-back-forfeited-rewards"
import { loadReferralStep } from "./steps/load-referral"
import { recordReferralRewardsStep } from "./steps/record-referral-rewards"
import { settleReferralPayoutsStep } from "./steps/settle-referral-payouts"

export const postReferralRewardsWorkflowId = "loyalty-post-referral-rewards"

export type PostReferralRewardsInput = { referral_id: string } & AdditionalData

const posting = (referral: ReferralRecord | null, side: "referrer" | "referee", rules: { version: number; expiry_months: number }) =>
  referralRewardPosting(referral, side, rules, new Date())

/**
 * Pay both sides of a referral that was marked rewarded: one credit each,
 * keyed `referral:<id>:referrer` and `referral:<id>:referee`, then note the
 * entries on the referral and announce `loyalty.referral.rewarded`. Running
 * it again (the job's repair pass after a crash) writes nothing twice and
 * announces nothing twice.
 *
 * Right before crediting, `settleReferralPayoutsStep` reads the qualifying
 * order and both customers again (the referral may have been marked rewarded
 * long before, by a run that crashed): a referral whose order was canceled or
 * refunded in full meanwhile is not paid and ends `forfeited`; a side whose
 * customer was deleted forfeits its reward and the other side is paid alone,
 * so a closed account never makes this fail and roll back again every run.
 * Should a take-back forfeit the referral between that check and the note
 * (the note then finds it no longer rewarded), the credits this run wrote are
 * taken back under the take-back's own keys (`takeBackForfeitedRewardsStep`),
 * so they are taken back once.
 *
 * @summary Credit a rewarded referral's points to both sides.
 *
 * @property hooks.validate - Runs after the referral is read and before anything is written
 *   (`{ input, referral }`): throw to hold the rewards (the job's repair pass tries again next run).
 * @property hooks.referralRewarded - Runs after both credits are noted on the referral
 *   (`{ referral_id, referral, additional_data }`; `referral` is null when there was nothing to pay).
 */
export const postReferralRewardsWorkflow = createWorkflow(
  postReferralRewardsWorkflowId,
  (input: PostReferralRewardsInput) => {
    const referral = loadReferralStep({ referral_id: input.referral_id })
    const validate = createHook("validate", { input, referral })
    const rules = loadProgramRulesStep()
    const settled = settleReferralPayoutsStep(
      transform({ referral }, ({ referral }) => ({ referrals: referral ? [referral] : [] }))
    )
    const payable = transform({ settled }, ({ settled }) => settled.payable[0] ?? null)

    const referee = creditReferralRewardStep(
      transform({ payable, rules }, ({ payable, rules }) => posting(payable, "referee", rules))
    ).config({ name: "loyalty-credit-referee-reward-step" })
    const referrer = creditReferralRewardStep(
      transform({ payable, rules }, ({ payable, rules }) => posting(payable, "referrer", rules))
    ).config({ name: "loyalty-credit-referrer-reward-step" })

    const recorded = recordReferralRewardsStep(
      transform({ payable, referee, referrer }, ({ payable: referral, referee, referrer }) =>
        referral && referral.status === "rewarded" && !referral.rewards_posted_at
          ? {
              referral_id: referral.id,
              referee_entry_id: referee?.entry.id ?? null,
              referrer_entry_id: referrer?.entry.id ?? null,
            }
          : null
      )
    )

    // Credits this run wrote but could not note: taken back if a take-back forfeited the referral meanwhile.
    takeBackForfeitedRewardsStep(
      transform({ payable, recorded, referee, referrer }, ({ payable, recorded, referee, referrer }) =>
        payable && !recorded
          ? [
              ...(referee?.created ? [{ referral_id: payable.id, side: "referee" as const }] : []),
              ...(referrer?.created ? [{ referral_id: payable.id, side: "referrer" as const }] : []),
            ]
          : []
      )
    )

    const pointsEvents = transform({ referee, referrer }, ({ referee, referrer }) => pointsEventsFor([referee, referrer]))
    when({ pointsEvents }, ({ pointsEvents }) => pointsEvents.length > 0).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.POINTS_EARNED, data: pointsEvents }).config({
        name: "loyalty-emit-referral-points-earned-step",
      })
    )
    const rewarded = transform({ recorded }, ({ recorded }): ReferralRewardedEventData | null =>
      recorded
        ? {
            id: recorded.id,
            referrer_id: recorded.referrer_id,
            referee_id: recorded.referee_id,
            order_id: recorded.order_id,
            referrer_points: recorded.referrer_points,
            referee_points: recorded.referee_points,
            referrer_entry_id: recorded.referrer_entry_id,
            referee_entry_id: recorded.referee_entry_id,
          }
        : null
    )
    when({ rewarded }, ({ rewarded }) => !!rewarded).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.REFERRAL_REWARDED, data: rewarded }).config({
        name: "loyalty-emit-referral-rewarded-step",
      })
    )
    const referralRewarded = createHook("referralRewarded", {
      referral_id: input.referral_id,
      referral: recorded,
      additional_data: input.additional_data,
    })
    return new WorkflowResponse(recorded, { hooks: [validate, referralRewarded] })
  }
)
