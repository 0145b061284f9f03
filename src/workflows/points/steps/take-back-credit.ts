import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"

export const takeBackCreditStepId = "loyalty-take-back-credit-step"

export type TakeBackCreditInput = { credit_key: string; idempotency_key: string; reason: string }

/**
 * Take back the credit posted under `credit_key` (nothing when there is
 * none, or for a null input), once per `idempotency_key`; compensation gives
 * it back.
 */
export const takeBackCreditStep = createStep(
  takeBackCreditStepId,
  async (input: TakeBackCreditInput | null, { container }) => {
    const result = input ? await pointsService(container).takeBackCredit(input) : null
    return new StepResponse<PostingResult | null, string | null>(result, result?.created ? result.entry.id : null)
  },
  async (entryId, { container }) => {
    if (entryId) {
      await pointsService(container).revertEntry(entryId, "Take-back rolled back")
    }
  }
)
