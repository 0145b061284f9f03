import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { saveReferralProgramStep, SaveReferralProgramInput } from "./steps/save-referral-program"

export const updateReferralProgramWorkflowId = "update-loyalty-referral-program"

/**
 * Save the referral program as a new version. Referrals already claimed keep
 * the rewards and minimum they were claimed under.
 *
 * @summary Change the referral program.
 */
export const updateReferralProgramWorkflow = createWorkflow(
  updateReferralProgramWorkflowId,
  (input: SaveReferralProgramInput) => {
    return new WorkflowResponse(saveReferralProgramStep(input))
  }
)
