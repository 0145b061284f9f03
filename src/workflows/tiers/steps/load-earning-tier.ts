import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { EarningTier } from "../../../lib/points/order-points"
import { tiersService } from "./resolve-service"

export const loadEarningTierStepId = "loyalty-load-earning-tier-step"

/**
 * The tier whose multiplier an order earns with: the customer's tier in
 * effect when the order was placed (an override active then wins). Null
 * without a customer or a tier.
 */
export const loadEarningTierStep = createStep(
  loadEarningTierStepId,
  async (input: { customer_id: string | null; at: Date | string | null }, { container }) => {
    if (!input.customer_id) {
      return new StepResponse<EarningTier | null>(null)
    }
    const tier = await tiersService(container).effectiveTier(input.customer_id, new Date(input.at ?? Date.now()))
    return new StepResponse<EarningTier | null>(
      tier ? { id: tier.id, name: tier.name, earn_multiplier: tier.earn_multiplier } : null
    )
  }
)
