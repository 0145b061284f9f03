import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ReferralRecord } from "../../../modules/loyalty-referrals/types"
import { pointsService } from "../../points/steps/resolve-service"
import { referralsService } from "./resolve-service"

export const loadReferralRewardPageStepId = "loyalty-load-referral-reward-page-step"

export type ReferralRewardPage = {
  /** The page's referrals still rewarded and not posted, in the page's order. */
  referrals: ReferralRecord[]
  /**
   * Referrals left to their own `postReferralRewardsWorkflow`: one side's
   * points account is closed (the customer was deleted), which refuses the
   * credit, and a referral is paid on both sides or neither.
   */
  deferred: string[]
}

/**
 * Read a page of referrals to pay (two reads: the referrals, and the points
 * accounts of everyone they pay, deleted ones too), and set aside those the
 * page cannot pay whole.
 */
export const loadReferralRewardPageStep = createStep(
  loadReferralRewardPageStepId,
  async (input: { referral_ids: string[] }, { container }) => {
    const found = await referralsService(container).listReferrals(
      { id: input.referral_ids, status: "rewarded", rewards_posted_at: null },
      { take: null }
    )
    const byId = new Map(found.map((referral) => [referral.id, referral as ReferralRecord]))
    const due = input.referral_ids.flatMap((id) => byId.get(id) ?? [])
    const customers = [...new Set(due.flatMap((referral) => [referral.referrer_id, referral.referee_id]))]
    const accounts = customers.length
      ? await pointsService(container).listAccounts({ customer_id: customers }, { select: ["customer_id", "deleted_at"], take: null, withDeleted: true })
      : []
    const open = new Set(accounts.filter((account) => !account.deleted_at).map((account) => account.customer_id))
    const closed = new Set(accounts.filter((account) => !open.has(account.customer_id)).map((account) => account.customer_id))
    const payable = (referral: ReferralRecord) => !closed.has(referral.referrer_id) && !closed.has(referral.referee_id)
    return new StepResponse<ReferralRewardPage>({
      referrals: due.filter(payable),
      deferred: due.filter((referral) => !payable(referral)).map((referral) => referral.id),
    })
  }
)
