import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { referralPayout } from "../../../lib/referrals/rules"
import { ReferralRecord, ReferralTransition } from "../../../modules/loyalty-referrals/types"
import { pointsService } from "../../points/steps/resolve-service"
import { loadOrderPaymentStates } from "./load-order-payment-state"
import { referralsService } from "./resolve-service"

export const settleReferralPayoutsStepId = "loyalty-settle-referral-payouts-step"

export type SettledReferralPayouts = {
  /**
   * The referrals to credit now, as they are after settling: a side that is
   * not paid has its points at 0 here (so no credit is written for it), and
   * `forfeit_reason` says why.
   */
  payable: ReferralRecord[]
  /** Referrals ended as `forfeited`: nothing is paid. */
  forfeited: string[]
}

/**
 * The last check before a rewarded referral's credits are posted, shared by
 * `postReferralRewardsWorkflow` and the repair pass's page: the referral was
 * marked rewarded earlier (a step before, or minutes before by a run that
 * crashed), so its order and both customers are read again now (one read
 * each for the whole page) and `referralPayout` decides. A referral whose
 * order was canceled or refunded in full since is `forfeited` with the reason
 * (the take-back on `order.canceled` found no credit to take back, so paying
 * it now would keep rewards the program takes back); a side whose customer
 * was deleted (points account closed: it refuses credits) is not paid, the
 * other side is, and the referral says why. Both are written under the
 * referral's row lock, so a take-back settling the same referral does not
 * cross this. Compensation puts back each referral still as this step left it
 * (`restoreReferral`); one another flow changed since keeps that change.
 */
export const settleReferralPayoutsStep = createStep(
  settleReferralPayoutsStepId,
  async (input: { referrals: ReferralRecord[] }, { container }) => {
    const due = input.referrals.filter((referral) => referral.status === "rewarded" && !referral.rewards_posted_at)
    if (!due.length) return new StepResponse<SettledReferralPayouts, ReferralTransition[]>({ payable: [], forfeited: [] }, [])
    const referrals = referralsService(container)
    const customers = [...new Set(due.flatMap((referral) => [referral.referrer_id, referral.referee_id]))]
    const [program, orders, accounts] = await Promise.all([
      referrals.getProgramSettings(),
      loadOrderPaymentStates(container, due.flatMap((referral) => referral.order_id ?? [])),
      pointsService(container).listAccounts(
        { customer_id: customers },
        { select: ["customer_id", "deleted_at"], take: null, withDeleted: true }
      ),
    ])
    // A customer with only deleted accounts is closed; one with no account yet gets one with the credit.
    const open = new Set(accounts.filter((account) => !account.deleted_at).map((account) => account.customer_id))
    const closed = new Set(accounts.filter((account) => !open.has(account.customer_id)).map((account) => account.customer_id))

    const payable: ReferralRecord[] = []
    const forfeited: string[] = []
    const changes: ReferralTransition[] = []
    for (const referral of due) {
      const payout = referralPayout(program, referral.order_id ? orders.get(referral.order_id) ?? null : null, {
        referrer: closed.has(referral.referrer_id),
        referee: closed.has(referral.referee_id),
      })
      const changed = await referrals.settleReferral({ referral_id: referral.id, status: payout.status, forfeit_reason: payout.reason })
      if (changed) changes.push(changed)
      const current = changed?.referral ?? referral
      if (payout.status === "forfeited") {
        if (current.status === "forfeited") forfeited.push(referral.id)
        continue
      }
      payable.push({
        ...current,
        referrer_points: payout.referrer ? current.referrer_points : 0,
        referee_points: payout.referee ? current.referee_points : 0,
      })
    }
    return new StepResponse<SettledReferralPayouts, ReferralTransition[]>({ payable, forfeited }, changes)
  },
  async (changes, { container }) => {
    for (const change of changes ?? []) {
      await referralsService(container).restoreReferral(change)
    }
  }
)
