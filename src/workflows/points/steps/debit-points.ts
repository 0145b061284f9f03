import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { DebitPosting, PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"

export const debitPointsStepId = "loyalty-debit-points-step"

/** Debit the available balance under the account lock; compensation restores it. */
export const debitPointsStep = createStep(
  debitPointsStepId,
  async (input: DebitPosting, { container }) => {
    const result = await pointsService(container).debitPoints(input)
    return new StepResponse<PostingResult, string | null>(result, result.created ? result.entry.id : null)
  },
  async (entryId, { container }) => {
    if (entryId) {
      await pointsService(container).revertEntry(entryId, "Debit rolled back")
    }
  }
)
