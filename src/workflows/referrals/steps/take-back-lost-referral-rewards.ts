import { referralsToTakeBack } from "../../../lib/referrals/rules"
import { asOneBatch, attempt, attemptEachDue } from "../../../lib/shared/pages"
import { createPassStep } from "../../shared/create-pass-step"
import { takeBackReferralRewardsWorkflow } from "../take-back-referral-rewards"
import { loadOrderPaymentStates } from "./load-order-payment-state"
import { referralsService } from "./resolve-service"

export const takeBackLostReferralRewardsStepId = "loyalty-take-back-lost-referral-rewards-step"

/** Paid referrals a page reads: one order read per page. */
export const TAKE_BACK_CHECK_PAGE = 500

/**
 * Take back the rewards of paid referrals whose qualifying order is now
 * canceled or refunded in full, when the take-back on `order.canceled` /
 * `payment.refunded` never ran (the local event bus drops an event whose
 * handler failed, and nothing else would ever take them back). Reads the
 * referrals still `rewarded` with posted rewards a page at a time in keyset
 * order (posted at, id) through their partial index, their orders in one
 * read per page, and runs `takeBackReferralRewardsWorkflow` for each whose
 * order is lost by the program's rule (`referralsToTakeBack`): the same
 * workflow and keys as the event, so a late event and this pass take back
 * once, and the referral then ends `forfeited` and is not read again. A
 * program that keeps rewards reads nothing. A failing referral is logged and
 * left for the next run; each take-back is its own workflow, so this step
 * has nothing to undo. Returns how many referrals it took back.
 */
export const takeBackLostReferralRewardsStep = createPassStep(takeBackLostReferralRewardsStepId, async (_now, container) => {
  const service = referralsService(container)
  const program = await service.getProgramSettings()
  if (!program.take_back_rewards) return 0
  let takenBack = 0
  await attemptEachDue(container, {
    read: async (after) => asOneBatch(await service.listPostedRewards(after, TAKE_BACK_CHECK_PAGE)),
    what: (page) => `Loyalty: checking ${page.length} paid referrals from ${page[0].referral_id} for lost take-backs`,
    run: async (page) => {
      const orders = await loadOrderPaymentStates(container, page.map((referral) => referral.order_id))
      for (const referral of referralsToTakeBack(program, page, orders)) {
        const done = await attempt(container, `Loyalty: taking back the rewards of referral ${referral.referral_id}`, async () => {
          const { result } = await takeBackReferralRewardsWorkflow(container).run({ input: { order_id: referral.order_id } })
          return result
        })
        if (done.ok && done.value.referral_id === referral.referral_id && done.value.reason) takenBack++
      }
    },
  })
  return takenBack
})
