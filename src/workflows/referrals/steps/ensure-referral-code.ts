import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ReferralCodeRecord } from "../../../modules/loyalty-referrals/types"
import { referralsService } from "./resolve-service"

export const ensureReferralCodeStepId = "loyalty-ensure-referral-code-step"

/** The customer's code, drawn on first request; compensation deletes a code this run drew. */
export const ensureReferralCodeStep = createStep(
  ensureReferralCodeStepId,
  async (input: { customer_id: string }, { container }) => {
    const { code, created } = await referralsService(container).ensureCode(input.customer_id)
    return new StepResponse<ReferralCodeRecord, string | null>(code, created ? code.id : null)
  },
  async (codeId, { container }) => {
    if (codeId) {
      await referralsService(container).deleteReferralCodes([codeId])
    }
  }
)
