import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { campaignsService } from "./resolve-service"
import { CampaignChanges } from "./validate-campaign"

export const updateCampaignStepId = "loyalty-update-campaign-step"

/**
 * Change a campaign; a change to its terms is a new version (`reviseCampaign`).
 * Compensation writes back the fields as they were, version included.
 */
export const updateCampaignStep = createStep(
  updateCampaignStepId,
  async (input: { id: string; changes: CampaignChanges }, { container }) => {
    const service = campaignsService(container)
    const previous = await service.retrieveCampaign(input.id)
    const updated = await service.reviseCampaign(input.id, input.changes)
    return new StepResponse(updated, previous)
  },
  async (previous, { container }) => {
    if (!previous) return
    const { created_at, updated_at, deleted_at, spent_points, ...fields } = previous
    await campaignsService(container).updateCampaigns(fields)
  }
)
