import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OrderReleaseInput, PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"

export const releaseOrderPointsStepId = "loyalty-release-order-points-step"

/** Make what is left of an order's pending points spendable; compensation takes them back to pending. */
export const releaseOrderPointsStep = createStep(
  releaseOrderPointsStepId,
  async (input: OrderReleaseInput, { container }) => {
    const result = await pointsService(container).releaseOrderPoints(input)
    return new StepResponse<PostingResult | null, string | null>(
      result,
      result?.created ? result.entry.id : null
    )
  },
  async (entryId, { container }) => {
    if (entryId) {
      await pointsService(container).revertEntry(entryId, "Release rolled back")
    }
  }
)
