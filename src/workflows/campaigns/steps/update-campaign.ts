import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { VERSIONED_FIELDS } from "../../../lib/campaigns/rules"
import { campaignsService } from "./resolve-service"
import { CampaignChanges } from "./validate-campaign"

export const updateCampaignStepId = "loyalty-update-campaign-step"

/**
 * Change a campaign; a change to its terms is a new version (`updateCampaign`).
 * Compensation writes back the fields as they were, version included.
 */
export const updateCampaignStep = createStep(
  updateCampaignStepId,
  async (input: { id: string; changes: CampaignChanges }, { container }) => {
    const service = campaignsService(container)
    const previous = await service.retrieveCampaign(input.id)
    const updated = await service.updateCampaign(input.id, input.changes)
    return new StepResponse(updated, previous)
  },
  async (previous, { container }) => {
    if (!previous) return
    // Only what a change may touch: the budget's spent points move with orders, not with this step.
    const { id, name, description, status, version, budget_points, per_customer_cap } = previous
    const terms = Object.fromEntries(VERSIONED_FIELDS.map((field) => [field, previous[field]]))
    await campaignsService(container).updateCampaigns({
      id,
      name,
      description,
      status,
      version,
      budget_points,
      per_customer_cap,
      ...terms,
    })
  }
)
