import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { feedbackCreditKey, feedbackRevokeKey } from "../../../lib/feedback"
import { PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "../../points/steps/resolve-service"

export const takeBackFeedbackPointsStepId = "take-back-loyalty-feedback-points"

/**
 * Take back the feedback points of an order (nothing when it earned none),
 * keyed `revoke:feedback:order:<id>`; compensation gives them back.
 */
export const takeBackFeedbackPointsStep = createStep(
  takeBackFeedbackPointsStepId,
  async (input: { order_id: string; reason: string }, { container }) => {
    const result = await pointsService(container).takeBackCredit({
      credit_key: feedbackCreditKey(input.order_id),
      idempotency_key: feedbackRevokeKey(input.order_id),
      reason: input.reason,
    })
    return new StepResponse<PostingResult | null, string | null>(result, result?.created ? result.entry.id : null)
  },
  async (entryId, { container }) => {
    if (entryId) {
      await pointsService(container).revertEntry(entryId, "Feedback points take-back rolled back")
    }
  }
)
