import { createSoftDeleteStep } from "../../shared/create-soft-delete-step"
import { campaignsService } from "./resolve-service"

export const deleteCampaignStepId = "loyalty-delete-campaign-step"

/**
 * Delete a campaign (soft: earnings that recorded it keep its terms, and its
 * awards stay for the results; 404 when there is none). Compensation restores it.
 */
export const deleteCampaignStep = createSoftDeleteStep(deleteCampaignStepId, campaignsService, { one: "Campaign", many: "Campaigns" })
