import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OrderReversalInput, PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"

export const reverseOrderPointsStepId = "loyalty-reverse-order-points-step"

/** Bring the order's points to the target (down or up), one entry; compensation undoes it. */
export const reverseOrderPointsStep = createStep(
  reverseOrderPointsStepId,
  async (input: OrderReversalInput | null, { container }) => {
    const result = input ? await pointsService(container).reverseOrderPoints(input) : null
    return new StepResponse<PostingResult | null, string | null>(
      result,
      result?.created ? result.entry.id : null
    )
  },
  async (entryId, { container }) => {
    if (entryId) {
      await pointsService(container).revertEntry(entryId, "Reversal rolled back")
    }
  }
)
