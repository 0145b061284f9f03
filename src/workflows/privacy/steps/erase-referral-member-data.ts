import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { referralsService } from "../../referrals/steps/resolve-service"

export const eraseReferralMemberDataStepId = "loyalty-erase-referral-member-data-step"

/** What a referral row keeps of an erased referrer's code. */
export const ERASED_CODE = "ERASED"

/**
 * The referral module's personal data of a member: their referral code (it
 * stops working, and their referrals keep `ERASED` instead), the client addresses of their claim attempts, and staff's
 * decision notes on their referrals. The referrals stay (who was paid what).
 * Final and idempotent, like every erasure step.
 */
export const eraseReferralMemberDataStep = createStep(
  eraseReferralMemberDataStepId,
  async (input: { customer_id: string }, { container }) => {
    const service = referralsService(container)
    const codes = await service.listReferralCodes({ customer_id: input.customer_id }, { select: ["id"], withDeleted: true })
    if (codes.length) await service.deleteReferralCodes(codes.map((code) => code.id))
    const attempts = await service.listClaimAttempts({ customer_id: input.customer_id }, { select: ["id"], take: null })
    if (attempts.length) await service.deleteClaimAttempts(attempts.map((attempt) => attempt.id))
    const referrals = await service.listReferrals(
      { $or: [{ referrer_id: input.customer_id }, { referee_id: input.customer_id }] },
      { select: ["id", "referrer_id"], take: null }
    )
    if (referrals.length) {
      await service.updateReferrals(
        referrals.map((referral) => ({
          id: referral.id,
          decision_note: null,
          // the erased referrer's code, which the referral row repeats
          ...(referral.referrer_id === input.customer_id ? { code: ERASED_CODE } : {}),
        }))
      )
    }
    return new StepResponse({ codes: codes.length, claim_attempts: attempts.length, referrals: referrals.length })
  }
)
