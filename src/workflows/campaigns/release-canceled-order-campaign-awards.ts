import { createStep, createWorkflow, StepResponse, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { campaignsService } from "./steps/resolve-service"

export const releaseCanceledOrderCampaignAwardsWorkflowId = "loyalty-release-canceled-order-campaign-awards"
export const releaseOrderCampaignAwardsStepId = "loyalty-release-order-campaign-awards-step"

/**
 * Give a canceled order's campaign awards back to their campaigns (the
 * points module took the points back from the member). No compensation: the
 * workflow is this one step, in one transaction.
 */
export const releaseOrderCampaignAwardsStep = createStep(
  releaseOrderCampaignAwardsStepId,
  async (input: { order_id: string }, { container }) => {
    const released = await campaignsService(container).releaseOrderAwards(input.order_id)
    return new StepResponse({ released: released.length, points: released.reduce((sum, award) => sum + award.points, 0) })
  }
)

/**
 * A canceled order keeps none of its points, campaign points included, so
 * what its campaigns awarded it no longer counts against their budgets, the
 * customer's per-customer caps or the campaigns' results: the next order can
 * earn that bonus again. Once per order, whatever redelivers the event.
 *
 * @summary Give a canceled order's campaign points back to the campaigns' budgets and caps.
 *
 * @example
 * await releaseCanceledOrderCampaignAwardsWorkflow(container).run({ input: { order_id: "order_123" } })
 */
export const releaseCanceledOrderCampaignAwardsWorkflow = createWorkflow(
  releaseCanceledOrderCampaignAwardsWorkflowId,
  (input: { order_id: string }) => new WorkflowResponse(releaseOrderCampaignAwardsStep(input))
)
