import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { reorderTiersStep } from "./steps/reorder-tiers"

export const reorderTiersWorkflowId = "loyalty-reorder-tiers"

/**
 * Give the tiers new ranks: every tier once, lowest first. Refused (400) when
 * thresholds would no longer grow with rank.
 *
 * @summary Reorder membership tiers.
 */
export const reorderTiersWorkflow = createWorkflow(reorderTiersWorkflowId, (input: { tier_ids: string[] }) => {
  return new WorkflowResponse(reorderTiersStep(input))
})
