import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Claimant, claimRefusal, ReferralProgramSettings } from "../../../lib/referrals/rules"

export const validateReferralClaimantStepId = "loyalty-validate-referral-claimant-step"

/**
 * Refuse a claimant who may not claim any code (program off, already
 * referred, already ordered, sign-up too long ago) with the reason. It runs
 * before the code is looked at, so the answer is the same for every code.
 */
export const validateReferralClaimantStep = createStep(
  validateReferralClaimantStepId,
  async (input: { program: ReferralProgramSettings; claimant: Claimant; now: Date }) => {
    const refusal = claimRefusal(input.program, input.claimant, new Date(input.now))
    if (refusal) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, refusal)
    }
    return new StepResponse(true)
  }
)
