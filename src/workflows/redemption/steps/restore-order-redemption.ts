import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OrderRestoreInput, PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "../../points/steps/resolve-service"

export const restoreOrderRedemptionStepId = "loyalty-restore-order-redemption-step"

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
