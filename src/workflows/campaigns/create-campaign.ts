import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { CampaignRecord } from "../../modules/loyalty-campaigns/types"
import { createCampaignStep } from "./steps/create-campaign"
import { CampaignChanges, validateCampaignStep } from "./steps/validate-campaign"

export const createCampaignWorkflowId = "loyalty-create-campaign"

export type CreateCampaignInput = CampaignChanges & { name: string; type: CampaignRecord["type"] }

/**
 * Create a bonus campaign after checking its terms and schedule (a 400
 * naming every problem); without a time zone it takes the store's
 * (`campaigns.timeZone`).
 *
 * @summary Create a campaign.
 */
export const createCampaignWorkflow = createWorkflow(createCampaignWorkflowId, (input: CreateCampaignInput) => {
  const checked = validateCampaignStep({ changes: input })
  const campaign = createCampaignStep(
    transform({ input, checked }, ({ input, checked }) => ({ ...input, time_zone: checked.time_zone }))
  )
  return new WorkflowResponse(campaign)
})
