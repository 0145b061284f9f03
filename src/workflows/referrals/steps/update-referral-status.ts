import { createStep, StepExecutionContext, StepResponse } from "@medusajs/framework/workflows-sdk"
import { NewReferralFlag } from "../../../lib/referrals"
import { ReferralRecord, ReferralTransition } from "../../../modules/loyalty-referrals/types"
import { referralsService } from "./resolve-service"

/**
 * Status changes of a referral. Each locks the row and checks the current
 * status, so of two runs racing only one changes it; the other gets null and
 * does nothing further. Compensation puts the row back as it was.
 */

const restore = async (previous: ReferralRecord | null | undefined, { container }: StepExecutionContext) => {
  if (previous) {
    await referralsService(container).restoreReferral(previous)
  }
}

const respond = (transition: ReferralTransition | null) =>
  new StepResponse<ReferralRecord | null, ReferralRecord | null>(
    transition?.referral ?? null,
    transition?.previous ?? null
  )

export const flagReferralStepId = "flag-loyalty-referral"

/** Hold an open referral for an admin, with the reasons. */
export const flagReferralStep = createStep(
  flagReferralStepId,
  async (input: { referral_id: string; flags: NewReferralFlag[]; order_id: string | null; now: Date }, { container }) =>
    respond(await referralsService(container).flagReferral(input)),
  restore
)

export const markReferralQualifiedStepId = "mark-loyalty-referral-qualified"

/** The friend placed a qualifying order; it now waits for the return window. */
export const markReferralQualifiedStep = createStep(
  markReferralQualifiedStepId,
  async (input: { referral_id: string; order_id: string; now: Date }, { container }) =>
    respond(await referralsService(container).markQualified(input)),
  restore
)

export const markReferralRewardedStepId = "mark-loyalty-referral-rewarded"

/** Win the right to pay this referral (null: another run already did). */
export const markReferralRewardedStep = createStep(
  markReferralRewardedStepId,
  async (input: { referral_id: string; order_id: string; now: Date }, { container }) =>
    respond(await referralsService(container).markRewarded(input)),
  restore
)

export const decideReferralStepId = "decide-loyalty-referral"

/** Apply an admin's approval or rejection, with the note. */
export const decideReferralStep = createStep(
  decideReferralStepId,
  async (
    input: { referral_id: string; decision: "approve" | "reject"; actor_id: string; note: string; now: Date },
    { container }
  ) => respond(await referralsService(container).decideReferral(input)),
  restore
)
