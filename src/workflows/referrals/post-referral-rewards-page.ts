import { emitEventStep } from "@medusajs/medusa/core-flows"
import type { AdditionalData } from "@medusajs/framework/types"
import { createHook, createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { referralRewardPosting } from "../../lib/referrals/rewards"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"
import { LoyaltyEvents, pointsEventsFor, ReferralRewardedEventData } from "../../lib/shared/events"
import { CreditPosting } from "../../modules/loyalty-points/types"
import { creditReferralRewardsPageStep } from "./steps/credit-referral-rewards"
import { takeBackForfeitedRewardsStep } from "./steps/take-back-forfeited-rewards"
import { loadProgramRulesStep } from "../points/steps/load-program-rules"
import { loadReferralRewardPageStep } from "./steps/load-referral-reward-page"
import { recordReferralRewardPageStep } from "./steps/record-referral-reward-page"
import { settleReferralPayoutsStep } from "./steps/settle-referral-payouts"

export const postReferralRewardsPageWorkflowId = "loyalty-post-referral-rewards-page"
/** The page's event steps, named (a fault test arms the second by its name). */
export const emitReferralPagePointsEarnedStepId = "loyalty-emit-referral-page-points-earned-step"
export const emitReferralPageRewardedStepId = "loyalty-emit-referral-page-rewarded-step"

export type PostReferralRewardsPageInput = { referral_ids: string[] } & AdditionalData

/**
 * Pay a page of rewarded referrals whose credits were never posted (the
 * hourly repair pass's unit of work), with what `postReferralRewardsWorkflow`
 * writes for each of them but a few statements for the page instead of two
 * locked postings, a referral update and two event steps per referral: the
 * credits of the page in one transaction (the points module's
 * `creditPointsBatch`: same keys `referral:<id>:<side>`, amounts, details
 * and expiry, referee then referrer, referral by referral), the entries noted
 * on the referrals in one statement, and `loyalty.points.earned` and
 * `loyalty.referral.rewarded` for the page in one step each. A step that
 * fails undoes this page only (the credits are taken back, the referrals
 * left unposted), and the next run pays it; a referral another flow changed
 * in between (a take-back took its rewards back and marked it `forfeited`)
 * keeps its note and credits, so nothing is taken twice. Before crediting,
 * the page is settled by the rule of a single referral (`settleReferralPayoutsStep`): a
 * referral whose order was canceled or refunded in full since it was marked
 * rewarded ends `forfeited` unpaid; a side whose customer was deleted is not
 * paid and the other side is. A credit written for a referral that a
 * take-back settled (forfeited) between that check and the note is taken
 * back under the take-back's own keys, so it is taken back once.
 *
 * @summary Pay the rewards of a page of rewarded referrals.
 *
 * @example
 * const { result } = await postReferralRewardsPageWorkflow(container).run({
 *   input: { referral_ids: ["lref_1", "lref_2"] },
 * })
 *
 * @property hooks.validate - Runs after the page is read and before anything is written
 *   (`{ input, referrals }`): throw to hold the page's rewards (the repair pass then tries each
 *   referral through `postReferralRewardsWorkflow`, whose own `validate` hook decides).
 * @property hooks.referralsRewarded - Runs after the credits are noted on the referrals
 *   (`{ referrals, additional_data }`: the referrals this run paid).
 */
export const postReferralRewardsPageWorkflow = createWorkflow(
  postReferralRewardsPageWorkflowId,
  (input: PostReferralRewardsPageInput) => {
    const page = loadReferralRewardPageStep({ referral_ids: input.referral_ids })
    const due = transform({ page }, ({ page }) => page.referrals)
    const validate = createHook("validate", { input, referrals: due })
    const rules = loadProgramRulesStep()
    const settled = settleReferralPayoutsStep(transform({ due }, ({ due }) => ({ referrals: due })))
    const referrals = transform({ settled }, ({ settled }) => settled.payable)

    const postings = transform({ referrals, rules }, ({ referrals, rules }): CreditPosting[] => {
      const at = new Date()
      return referrals.flatMap((referral) =>
        (["referee", "referrer"] as const).flatMap((side) => referralRewardPosting(referral, side, rules, at) ?? [])
      )
    })
    const credits = creditReferralRewardsPageStep(postings)

    const notes = transform({ referrals, credits }, ({ referrals, credits }) => {
      const entryOf = new Map(credits.map((credit) => [credit.entry.idempotency_key, credit.entry.id]))
      return referrals.map((referral) => ({
        referral_id: referral.id,
        referrer_entry_id: entryOf.get(IdempotencyKeys.referralReward(referral.id, "referrer")) ?? null,
        referee_entry_id: entryOf.get(IdempotencyKeys.referralReward(referral.id, "referee")) ?? null,
      }))
    })
    const posted = recordReferralRewardPageStep(notes)

    // Credits this run wrote for referrals it could not note: taken back if a take-back forfeited them meanwhile.
    const unnoted = transform({ credits, posted }, ({ credits, posted }) => {
      const noted = new Set(posted.map((referral) => referral.id))
      return credits.flatMap((credit) => {
        const referralId = credit.entry.reference_id
        if (!credit.created || !referralId || noted.has(referralId)) return []
        const side: "referrer" | "referee" =
          credit.entry.idempotency_key === IdempotencyKeys.referralReward(referralId, "referrer") ? "referrer" : "referee"
        return [{ referral_id: referralId, side }]
      })
    })
    takeBackForfeitedRewardsStep(unnoted)

    const earned = transform({ credits }, ({ credits }) => pointsEventsFor(credits))
    when("loyalty-referral-page-earned", { earned }, ({ earned }) => earned.length > 0).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.POINTS_EARNED, data: earned }).config({
        name: emitReferralPagePointsEarnedStepId,
      })
    )
    const rewarded = transform({ posted }, ({ posted }): ReferralRewardedEventData[] =>
      posted.map((referral) => ({
        id: referral.id,
        referrer_id: referral.referrer_id,
        referee_id: referral.referee_id,
        order_id: referral.order_id,
        referrer_points: referral.referrer_points,
        referee_points: referral.referee_points,
        referrer_entry_id: referral.referrer_entry_id,
        referee_entry_id: referral.referee_entry_id,
      }))
    )
    when("loyalty-referral-page-rewarded", { rewarded }, ({ rewarded }) => rewarded.length > 0).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.REFERRAL_REWARDED, data: rewarded }).config({
        name: emitReferralPageRewardedStepId,
      })
    )
    const referralsRewarded = createHook("referralsRewarded", { referrals: posted, additional_data: input.additional_data })
    return new WorkflowResponse(
      // Also read when a step failed (the run's result then has no `posted`).
      transform({ posted, settled }, ({ posted, settled }) => ({ posted: posted?.length ?? 0, forfeited: settled?.forfeited.length ?? 0 })),
      { hooks: [validate, referralsRewarded] }
    )
  }
)
