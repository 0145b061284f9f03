import { emitEventStep } from "@medusajs/medusa/core-flows"
import type { AdditionalData } from "@medusajs/framework/types"
import { createHook, createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { referralRewardPosting } from "../../lib/referrals/rewards"
import { LoyaltyEvents, pointsEventsFor, ReferralRewardedEventData } from "../../lib/shared/events"
import { ReferralRecord } from "../../modules/loyalty-referrals/types"
import { loadProgramRulesStep } from "../points/steps/load-program-rules"
import { creditPointsStep } from "../points/steps/credit-points"
import { loadReferralStep } from "./steps/load-referral"
import { recordReferralRewardsStep } from "./steps/record-referral-rewards"

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

    const referee = creditPointsStep(
      transform({ referral, rules }, ({ referral, rules }) => posting(referral, "referee", rules))
    ).config({ name: "loyalty-credit-referee-reward-step" })
    const referrer = creditPointsStep(
      transform({ referral, rules }, ({ referral, rules }) => posting(referral, "referrer", rules))
    ).config({ name: "loyalty-credit-referrer-reward-step" })

    const recorded = recordReferralRewardsStep(
      transform({ referral, referee, referrer }, ({ referral, referee, referrer }) =>
        referral && referral.status === "rewarded" && !referral.rewards_posted_at
          ? {
              referral_id: referral.id,
              referee_entry_id: referee?.entry.id ?? null,
              referrer_entry_id: referrer?.entry.id ?? null,
            }
          : null
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
