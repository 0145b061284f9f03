import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CampaignFacts, loadCampaignFacts } from "./campaign-facts"

export const loadCampaignFactsStepId = "loyalty-load-campaign-facts-step"

/**
 * The product rules, campaigns and targeting facts an order earns with,
 * evaluated at the order's placement time (`at`). Null input (the order
 * earns nothing: a guest's, or no order) reads nothing.
 */
export const loadCampaignFactsStep = createStep(
  loadCampaignFactsStepId,
  async (input: { order_id: string; customer_id: string | null; at: Date | string } | null, { container }) => {
    if (!input) return new StepResponse<CampaignFacts | null>(null)
    return new StepResponse<CampaignFacts | null>(
      await loadCampaignFacts(container, { entity: "order", id: input.order_id, customer_id: input.customer_id, at: input.at })
    )
  }
)
