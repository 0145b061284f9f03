import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { CampaignRecord } from "../../modules/loyalty-campaigns/types"
import { createCampaignStep } from "./steps/create-campaign"
import { createEarningRuleStep, EarningRuleInput } from "./steps/create-earning-rule"
import { deleteCampaignStep } from "./steps/delete-campaign"
import { deleteEarningRuleStep } from "./steps/delete-earning-rule"
import { updateCampaignStep } from "./steps/update-campaign"
import { CampaignChanges, validateCampaignStep } from "./steps/validate-campaign"

export const createCampaignWorkflowId = "loyalty-create-campaign"
export const updateCampaignWorkflowId = "loyalty-update-campaign"
export const deleteCampaignWorkflowId = "loyalty-delete-campaign"
export const createEarningRuleWorkflowId = "loyalty-create-earning-rule"
export const deleteEarningRuleWorkflowId = "loyalty-delete-earning-rule"

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

/**
 * Delete a campaign. Orders it gave points to keep them, with its terms
 * recorded on their entries.
 *
 * @summary Delete a campaign.
 */
export const deleteCampaignWorkflow = createWorkflow(deleteCampaignWorkflowId, (input: { id: string }) => {
  return new WorkflowResponse(deleteCampaignStep(input))
})

/**
 * Set a per-product earning rule (a product, category or collection earns
 * `factor` × the base; 0 excludes it). Applies to orders placed from now on.
 *
 * @summary Set a per-product earning rule.
 */
export const createEarningRuleWorkflow = createWorkflow(createEarningRuleWorkflowId, (input: EarningRuleInput) => {
  return new WorkflowResponse(createEarningRuleStep(input))
})

/**
 * Delete a per-product earning rule; orders placed before keep the factor
 * their entry recorded.
 *
 * @summary Delete a per-product earning rule.
 */
export const deleteEarningRuleWorkflow = createWorkflow(deleteEarningRuleWorkflowId, (input: { id: string }) => {
  return new WorkflowResponse(deleteEarningRuleStep(input))
})
