import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { insightsService } from "./resolve-service"

export const createFeedbackStepId = "loyalty-create-feedback-step"

export type CreateFeedbackInput = { customer_id: string; order_id: string; score: number; comment: string | null }

/**
 * Record the answer; a second answer for the same order is a 422 (the unique
 * index on `order_id` decides, so two racing requests cannot both pass).
 * Compensation deletes it.
 */
export const createFeedbackStep = createStep(
  createFeedbackStepId,
  async (input: CreateFeedbackInput, { container }) => {
    const service = insightsService(container)
    try {
      const feedback = await service.createFeedbacks(input)
      return new StepResponse(feedback, feedback.id)
    } catch (error) {
      const message = String((error as Error).message ?? "")
      if ((error as { code?: string }).code === "23505" || /already exists|unique/i.test(message)) {
        throw new MedusaError(MedusaError.Types.DUPLICATE_ERROR, `Feedback for order ${input.order_id} was already given`)
      }
      throw error
    }
  },
  async (id, { container }) => {
    if (id) {
      await insightsService(container).deleteFeedbacks([id])
    }
  }
)
