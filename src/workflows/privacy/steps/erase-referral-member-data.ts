import { createEraseStep, deleteMemberRows, eraseRows } from "./create-erase-step"
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
export const eraseReferralMemberDataStep = createEraseStep(eraseReferralMemberDataStepId, referralsService, async (service, customer_id) => ({
  codes: await deleteMemberRows(service, "ReferralCodes", customer_id, { select: ["id"], withDeleted: true }),
  claim_attempts: await deleteMemberRows(service, "ClaimAttempts", customer_id),
  referrals: await eraseRows(
    await service.listReferrals(
      { $or: [{ referrer_id: customer_id }, { referee_id: customer_id }] },
      { select: ["id", "referrer_id"], take: null }
    ),
    (referrals) =>
      service.updateReferrals(
        referrals.map((referral) => ({
          id: referral.id,
          decision_note: null,
          // the erased referrer's code, which the referral row repeats
          ...(referral.referrer_id === customer_id ? { code: ERASED_CODE } : {}),
        }))
      )
  ),
}))
