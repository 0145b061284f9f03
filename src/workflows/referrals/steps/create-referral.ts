import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CreateReferralInput, ReferralRecord } from "../../../modules/loyalty-referrals/types"
import { referralsService } from "./resolve-service"

export const createReferralStepId = "loyalty-create-referral-step"

/** Record the claim (flagged when a rule fired, or over the monthly cap); compensation deletes it. */
export const createReferralStep = createStep(
  createReferralStepId,
  async (input: CreateReferralInput, { container }) => {
    const referral = await referralsService(container).createReferral(input)
    return new StepResponse<ReferralRecord, string>(referral, referral.id)
  },
  async (referralId, { container }) => {
    if (referralId) {
      await referralsService(container).deleteReferrals([referralId])
    }
  }
)
