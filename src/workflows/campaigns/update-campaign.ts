import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { updateCampaignStep } from "./steps/update-campaign"
import { CampaignChanges, validateCampaignStep } from "./steps/validate-campaign"

export const updateCampaignWorkflowId = "loyalty-update-campaign"

/**
 * Change a campaign, checked as it would be after the change. A change to
 * its terms, schedule or targeting is a new version; orders that earned
 * under the old version keep its terms for their reversals.
 *
 * @summary Change a campaign.
 */
export const updateCampaignWorkflow = createWorkflow(
  updateCampaignWorkflowId,
  (input: { id: string; changes: CampaignChanges }) => {
    validateCampaignStep(input)
    return new WorkflowResponse(updateCampaignStep(input))
  }
)
