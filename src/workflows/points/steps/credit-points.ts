import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CreditPosting, PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"

export const creditPointsStepId = "loyalty-credit-points-step"

/** Credit the available balance (nothing for a null input); compensation takes the credit back. */
export const creditPointsStep = createStep(
  creditPointsStepId,
  async (input: CreditPosting | null, { container }) => {
    const result = input ? await pointsService(container).creditPoints(input) : null
    return new StepResponse<PostingResult | null, string | null>(result, result?.created ? result.entry.id : null)
  },
  async (entryId, { container }) => {
    if (entryId) {
      await pointsService(container).revertEntry(entryId, "Credit rolled back")
    }
  }
)
