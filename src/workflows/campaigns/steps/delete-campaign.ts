import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { campaignsService } from "./resolve-service"

export const deleteCampaignStepId = "loyalty-delete-campaign-step"

/**
 * Delete a campaign (soft: earnings that recorded it keep its terms, and its
 * awards stay for the results). Compensation restores it.
 */
export const deleteCampaignStep = createStep(
  deleteCampaignStepId,
  async (input: { id: string }, { container }) => {
    const service = campaignsService(container)
    await service.retrieveCampaign(input.id)
    await service.softDeleteCampaigns(input.id)
    return new StepResponse({ id: input.id }, input.id)
  },
  async (id, { container }) => {
    if (id) await campaignsService(container).restoreCampaigns(id)
  }
)
