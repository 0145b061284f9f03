import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ReferralRecord } from "../../../modules/loyalty-referrals/types"
import { referralsService } from "./resolve-service"

export const loadReferralStepId = "loyalty-load-referral-step"

/** A referral by id, or the one a customer was referred by; null when there is none. */
export const loadReferralStep = createStep(
  loadReferralStepId,
  async (input: { referral_id?: string | null; referee_id?: string | null }, { container }) => {
    const filters = input.referral_id ? { id: input.referral_id } : input.referee_id ? { referee_id: input.referee_id } : null
    const [referral] = filters ? await referralsService(container).listReferrals(filters, { take: 1 }) : []
    return new StepResponse<ReferralRecord | null>(referral ?? null)
  }
)
