import { createReferralTransitionStep } from "./create-referral-transition-step"

export const markReferralTakenBackStepId = "loyalty-mark-referral-taken-back-step"

/**
 * Say on a paid referral that its rewards are taken back (`forfeited`, with
 * the reason, its entries still noted), under its row lock and before the
 * take-back entries: a payment's compensation then sees the referral changed
 * and keeps its credits, and the take-back reconciliation stops reading it.
 * Nothing for a null input or a referral whose rewards are not posted (then
 * `forfeitReferralStep` ends it unpaid); compensation puts the row back if it
 * is still as this step left it.
 */
export const markReferralTakenBackStep = createReferralTransitionStep(
  markReferralTakenBackStepId,
  async (service, input: { referral_id: string; reason: string } | null) => (input ? service.markRewardsTakenBack(input) : null)
)
