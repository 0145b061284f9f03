import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const attachCartRedemptionStepId = "loyalty-attach-cart-redemption-step"

/**
 * Points are debited while the cart completes, before the order exists: give
 * those entries their order so the order's summary and a later cancel find
 * them. Idempotent (only empty references are filled), nothing to undo.
 */
export const attachCartRedemptionStep = createStep(
  attachCartRedemptionStepId,
  async (input: { cart_id: string | null; order_id: string } | null, { container }) => {
    if (!input?.cart_id) return new StepResponse(0)
    return new StepResponse(await pointsService(container).attachCartEntriesToOrder(input.cart_id, input.order_id))
  }
)
