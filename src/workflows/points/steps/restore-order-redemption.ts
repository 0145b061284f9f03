import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OrderRestoreInput, PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"

export const attachCartRedemptionStepId = "loyalty-attach-cart-redemption-step"
export const restoreOrderRedemptionStepId = "loyalty-restore-order-redemption-step"

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

/** Give back spent points up to the target; compensation takes them again. */
export const restoreOrderRedemptionStep = createStep(
  restoreOrderRedemptionStepId,
  async (
    input: OrderRestoreInput | null,
    { container }
  ) => {
    const result = input ? await pointsService(container).restoreOrderRedemption(input) : null
    return new StepResponse<PostingResult | null, string | null>(result, result?.created ? result.entry.id : null)
  },
  async (entryId, { container }) => {
    if (entryId) {
      await pointsService(container).revertEntry(entryId, "Restore rolled back")
    }
  }
)
