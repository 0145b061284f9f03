import { MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CreditPosting, PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "../../points/steps/resolve-service"
import { referralsService } from "./resolve-service"

export const creditReferralRewardStepId = "loyalty-credit-referral-reward-step"
export const creditReferralRewardsPageStepId = "loyalty-credit-referral-rewards-page-step"

/** A reward credit a payment wrote: the entry and the referral it pays. */
type WrittenReward = { entry_id: string; referral_id: string }

const ROLLED_BACK = "Credit rolled back"

const written = (results: (PostingResult | null)[]): WrittenReward[] =>
  results.flatMap((result) => {
    const referralId = result?.entry.reference_id
    return result?.created && referralId ? [{ entry_id: result.entry.id, referral_id: referralId }] : []
  })

/**
 * Undo reward credits a payment wrote (its compensation), except those
 * another flow relies on since. The payment's note is forgotten first
 * (compensations run last step first), and only while the referral is as
 * the payment left it: a note that stayed names these very entries because
 * a take-back took them back and marked the referral, or another run noted
 * them again. A credit a take-back already took back (its
 * `revoke:referral:<id>:<side>` entry stands) needs no check here: the
 * points module undoes only what a take-back left of a credit, nothing when
 * it took it all, under the account's lock the take-back takes too
 * (`revertEntry`).
 */
async function undoRewards(container: MedusaContainer, rewards: WrittenReward[]): Promise<void> {
  if (!rewards.length) return
  const noted = await referralsService(container).listReferrals(
    { id: [...new Set(rewards.map((reward) => reward.referral_id))] },
    { select: ["id", "referrer_entry_id", "referee_entry_id"], take: null }
  )
  const namedByNote = new Set(noted.flatMap((referral) => [referral.referrer_entry_id, referral.referee_entry_id]))
  await pointsService(container).revertEntries(
    rewards.filter((reward) => !namedByNote.has(reward.entry_id)).map((reward) => reward.entry_id),
    ROLLED_BACK
  )
}

/**
 * Credit one side of a referral (`postReferralRewardsWorkflow`; nothing for a
 * null input), as `creditPointsStep` does; compensation takes the credit back
 * unless the referral still names it (`undoRewards`).
 */
export const creditReferralRewardStep = createStep(
  creditReferralRewardStepId,
  async (posting: CreditPosting | null, { container }) => {
    const result = posting ? await pointsService(container).creditPoints(posting) : null
    return new StepResponse<PostingResult | null, WrittenReward[]>(result, written([result]))
  },
  async (rewards, { container }) => {
    await undoRewards(container, rewards ?? [])
  }
)

/**
 * Credit a page of referral rewards in one transaction (the points module's
 * `creditPointsBatch`, as `creditPointsBatchStep` does); compensation takes
 * back each credit it wrote unless its referral still names it (`undoRewards`).
 */
export const creditReferralRewardsPageStep = createStep(
  creditReferralRewardsPageStepId,
  async (postings: CreditPosting[], { container }) => {
    const results = await pointsService(container).creditPointsBatch(postings)
    return new StepResponse<PostingResult[], WrittenReward[]>(results, written(results))
  },
  async (rewards, { container }) => {
    await undoRewards(container, rewards ?? [])
  }
)
