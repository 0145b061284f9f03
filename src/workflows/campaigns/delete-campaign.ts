import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { deleteCampaignStep } from "./steps/delete-campaign"

export const deleteCampaignWorkflowId = "loyalty-delete-campaign"

/**
 * Delete a campaign. Orders it gave points to keep them, with its terms
 * recorded on their entries.
 *
 * @summary Delete a campaign.
 */
export const deleteCampaignWorkflow = createWorkflow(deleteCampaignWorkflowId, (input: { id: string }) => {
  return new WorkflowResponse(deleteCampaignStep(input))
})
