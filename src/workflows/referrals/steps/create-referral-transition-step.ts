import { StepExecutionContext, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ReferralRecord, ReferralTransition } from "../../../modules/loyalty-referrals/types"
import { referralsService } from "./resolve-service"

/**
 * Status changes of a referral. Each locks the row and checks the current
 * status, so of two runs racing only one changes it; the other gets null and
 * does nothing further. Compensation puts the row back as it was.
 */

export const restore = async (previous: ReferralRecord | null | undefined, { container }: StepExecutionContext) => {
  if (previous) {
    await referralsService(container).restoreReferral(previous)
  }
}

export const respond = (transition: ReferralTransition | null) =>
  new StepResponse<ReferralRecord | null, ReferralRecord | null>(
    transition?.referral ?? null,
    transition?.previous ?? null
  )
