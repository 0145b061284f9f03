import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CampaignRecord } from "../../../modules/loyalty-campaigns/types"
import { campaignsService } from "./resolve-service"
import { CampaignChanges } from "./validate-campaign"

export const createCampaignStepId = "loyalty-create-campaign-step"

/** Create a campaign (version 1); compensation deletes it. */
export const createCampaignStep = createStep(
  createCampaignStepId,
  async (input: CampaignChanges & { name: string; type: CampaignRecord["type"] }, { container }) => {
    const created = await campaignsService(container).createCampaigns(input)
    return new StepResponse(created, created.id)
  },
  async (id, { container }) => {
    if (id) await campaignsService(container).deleteCampaigns(id)
  }
)
