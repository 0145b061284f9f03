import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CreditPosting, DebitPosting, PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"

export const creditPointsStepId = "credit-loyalty-points"
export const debitPointsStepId = "debit-loyalty-points"

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
