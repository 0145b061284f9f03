import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { updateReferralProgramStep, UpdateReferralProgramInput } from "./steps/update-referral-program"

export const updateReferralProgramWorkflowId = "loyalty-update-referral-program"

/**
 * Save the referral program as a new version. Referrals already claimed keep
 * the rewards and minimum they were claimed under.
 *
 * @summary Change the referral program.
 */
export const updateReferralProgramWorkflow = createWorkflow(
  updateReferralProgramWorkflowId,
  (input: UpdateReferralProgramInput) => {
    return new WorkflowResponse(updateReferralProgramStep(input))
  }
)
