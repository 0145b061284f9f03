import { MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { IdempotencyKeys } from "../../../lib/shared/idempotency-keys"
import { CreditPosting, PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "../../points/steps/resolve-service"
import { referralsService } from "./resolve-service"

export const creditReferralRewardStepId = "loyalty-credit-referral-reward-step"
export const creditReferralRewardsPageStepId = "loyalty-credit-referral-rewards-page-step"

/** A reward credit a payment wrote: the entry, the referral it pays, and the key a take-back of it is written under. */
type WrittenReward = { entry_id: string; referral_id: string; take_back_key: string }

const ROLLED_BACK = "Credit rolled back"

const written = (results: (PostingResult | null)[]): WrittenReward[] =>
  results.flatMap((result) => {
    const referralId = result?.entry.reference_id
    if (!result?.created || !referralId) return []
    const side = result.entry.idempotency_key === IdempotencyKeys.referralReward(referralId, "referrer") ? "referrer" : "referee"
    return [{ entry_id: result.entry.id, referral_id: referralId, take_back_key: IdempotencyKeys.referralTakeBack(referralId, side) }]
  })

/**
 * Undo reward credits a payment wrote (its compensation), except those
 * another flow relies on since. The payment's note is forgotten first
 * (compensations run last step first), and only while the referral is as
 * the payment left it: a note that stayed names these very entries because
 * a take-back took them back and marked the referral, or another run noted
 * them again. And a credit a take-back already took back (its
 * `revoke:referral:<id>:<side>` entry stands) stays too: reverting it as
 * well would take it a second time, as debt.
 */
async function undoRewards(container: MedusaContainer, rewards: WrittenReward[]): Promise<void> {
  if (!rewards.length) return
  const points = pointsService(container)
  const [noted, takenBack] = await Promise.all([
    referralsService(container).listReferrals(
      { id: [...new Set(rewards.map((reward) => reward.referral_id))] },
      { select: ["id", "referrer_entry_id", "referee_entry_id"], take: null }
    ),
    points.listEntries(
      { idempotency_key: rewards.map((reward) => reward.take_back_key), voided_at: null },
      { select: ["idempotency_key"], take: null }
    ),
  ])
  const namedByNote = new Set(noted.flatMap((referral) => [referral.referrer_entry_id, referral.referee_entry_id]))
  const takenBackKeys = new Set(takenBack.map((entry) => entry.idempotency_key))
  await points.revertEntries(
    rewards.filter((reward) => !namedByNote.has(reward.entry_id) && !takenBackKeys.has(reward.take_back_key)).map((reward) => reward.entry_id),
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
