import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { IdempotencyKeys } from "../../../lib/shared/idempotency-keys"
import { PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "../../points/steps/resolve-service"
import { referralsService } from "./resolve-service"

export const takeBackForfeitedRewardsStepId = "loyalty-take-back-forfeited-rewards-step"

/** Why a credit is taken back when its referral was forfeited while this run was paying it. */
export const FORFEITED_WHILE_PAYING = "Referral reward taken back: the order was canceled or refunded while the reward was being paid"

/**
 * After a payment run noted its credits: the credits it wrote for referrals
 * it could not note. Another run may have noted them (it paid the same
 * referral at the same moment, and the keys made its credits and ours the
 * same entries): those stay. Or a take-back ended the referral as
 * `forfeited` between the check before crediting and the note: those are
 * taken back, under the take-back's own keys (`revoke:referral:<id>:<side>`),
 * so a credit is taken back once whoever comes last. So the status is read
 * now, after the note, not guessed from the note's answer. Compensation
 * gives back what this step took.
 */
export const takeBackForfeitedRewardsStep = createStep(
  takeBackForfeitedRewardsStepId,
  async (candidates: { referral_id: string; side: "referrer" | "referee" }[], { container }) => {
    if (!candidates.length) return new StepResponse<PostingResult[], string[]>([], [])
    const forfeited = new Set(
      (
        await referralsService(container).listReferrals(
          { id: [...new Set(candidates.map((c) => c.referral_id))], status: "forfeited" },
          { select: ["id"], take: null }
        )
      ).map((referral) => referral.id)
    )
    const results: PostingResult[] = []
    for (const { referral_id, side } of candidates.filter((c) => forfeited.has(c.referral_id))) {
      const result = await pointsService(container).takeBackCredit({
        credit_key: IdempotencyKeys.referralReward(referral_id, side),
        idempotency_key: IdempotencyKeys.referralTakeBack(referral_id, side),
        reason: FORFEITED_WHILE_PAYING,
      })
      if (result) results.push(result)
    }
    return new StepResponse<PostingResult[], string[]>(
      results,
      results.filter((result) => result.created).map((result) => result.entry.id)
    )
  },
  async (entryIds, { container }) => {
    await pointsService(container).revertEntries(entryIds ?? [], "Take-back rolled back")
  }
)
