import { emitEventStep } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { LoyaltyEvents, pointsEventsFor } from "../../lib/shared/events"
import { referralPayout, referralRewardsForfeited } from "../../lib/referrals/rules"
import { forfeitReferralStep } from "./steps/forfeit-referral"
import { takeBackCreditStep } from "../points/steps/take-back-credit"
import { loadOrderPaymentStateStep } from "./steps/load-order-payment-state"
import { loadReferralProgramStep } from "./steps/load-referral-program"
import { loadRewardedReferralOfOrderStep } from "./steps/load-rewarded-referral-of-order"
import { markReferralTakenBackStep } from "./steps/mark-referral-taken-back"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"

export const takeBackReferralRewardsWorkflowId = "loyalty-take-back-referral-rewards"

/**
 * A referral is paid for the friend's first order; when that order is
 * canceled or refunded in full after the rewards were paid, both are taken
 * back (from each balance, the part already spent as debt), unless the
 * merchant switched `take_back_rewards` off. Runs on `order.canceled` and
 * `payment.refunded`; keyed per side, so it happens once.
 *
 * A referral marked rewarded whose credits are not posted yet (the payment
 * is a later step, or the run crashed and the repair pass pays it minutes
 * later) is ended here as `forfeited`, with the reason, under its row lock:
 * the payment still to come then pays nothing (it checks the order itself as
 * well, for a take-back event that was lost). A credit a crashed run did
 * write is taken back like a posted one. A paid referral ends `forfeited`
 * too, with the reason and its entries still noted
 * (`markReferralTakenBackStep`, before the take-back entries): a payment run
 * that fails meanwhile keeps its note and credits, and the referrals pass
 * does not read it again.
 *
 * The referrals pass runs this workflow as well for paid referrals whose
 * order is canceled or refunded in full (`takeBackLostReferralRewardsStep`):
 * the local event bus drops an event whose handler failed. The keys are the
 * same, so a late event and the pass take back once.
 *
 * @summary Take back a referral's rewards when its order is canceled or refunded.
 *
 * @example
 * await takeBackReferralRewardsWorkflow(container).run({ input: { order_id: "order_123" } })
 */
export const takeBackReferralRewardsWorkflow = createWorkflow(
  takeBackReferralRewardsWorkflowId,
  (input: { order_id: string }) => {
    const referral = loadRewardedReferralOfOrderStep(input)
    const order = loadOrderPaymentStateStep(input)
    const program = loadReferralProgramStep()
    const reason = transform({ referral, order, program }, ({ referral, order, program }) =>
      referral && order ? referralRewardsForfeited(program, order) : null
    )
    when({ referral, order, program }, ({ referral, order, program }) => !!referral && !!order && !referral.posted &&
      referralPayout(program, order, { referrer: false, referee: false }).status === "forfeited"
    ).then(() =>
      forfeitReferralStep(
        transform({ referral, order, program }, ({ referral, order, program }) => ({
          referral_id: referral!.id,
          reason: referralPayout(program, order!, { referrer: false, referee: false }).reason!,
        }))
      )
    )
    // A paid referral says its rewards are taken back before they are, under its row lock: a payment run
    // failing meanwhile then keeps its note and credits instead of undoing them (they would be taken twice).
    markReferralTakenBackStep(
      transform({ referral, reason }, ({ referral, reason }) =>
        referral && reason ? { referral_id: referral.id, reason } : null
      )
    )
    const posting = (side: "referrer" | "referee") =>
      transform({ referral, reason }, ({ referral, reason }) =>
        referral && reason
          ? {
              credit_key: IdempotencyKeys.referralReward(referral.id, side),
              idempotency_key: IdempotencyKeys.referralTakeBack(referral.id, side),
              reason,
            }
          : null
      )
    const referee = takeBackCreditStep(posting("referee")).config({ name: "loyalty-take-back-referee-reward-step" })
    const referrer = takeBackCreditStep(posting("referrer")).config({ name: "loyalty-take-back-referrer-reward-step" })
    const events = transform({ referee, referrer }, ({ referee, referrer }) => pointsEventsFor([referee, referrer]))
    when({ events }, ({ events }) => events.length > 0).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.POINTS_REVERSED, data: events })
    )
    return new WorkflowResponse(
      transform({ referral, referee, referrer, reason }, ({ referral, referee, referrer, reason }) => ({
        referral_id: referral?.id ?? null,
        reason,
        taken_back: [referee, referrer].filter((r) => r?.created).reduce((sum, r) => sum - r!.entry.points, 0),
      }))
    )
  }
)
