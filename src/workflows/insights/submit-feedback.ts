import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { earnPosting } from "../../lib/points/program"
import { LoyaltyEvents } from "../../lib/shared/events"
import { emitPointsEvents } from "../points/emit-points-events"
import { feedbackPoints } from "../../lib/insights/feedback"
import { loadProgramRulesStep } from "../points/steps/load-program-rules"
import { creditPointsStep } from "../points/steps/credit-points"
import { createFeedbackStep } from "./steps/create-feedback"
import { loadInsightContextStep } from "./steps/load-insight-context"
import { loadFeedbackOrderStep } from "./steps/load-feedback-order"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"
import { ReferenceTypes } from "../../lib/shared/vocabulary"

export const submitFeedbackWorkflowId = "loyalty-submit-feedback"

export type SubmitFeedbackInput = { customer_id: string; order_id: string; score: number; comment?: string | null }

/**
 * A shopper rates one of their orders (0–10, "how likely are you to
 * recommend us?"), once per order; a canceled order takes no feedback. When
 * the merchant set feedback points, a paid order's feedback earns them under
 * the key `feedback:order:<id>`, so the reward is paid once whatever happens
 * (and taken back if the order is canceled later). Feedback on an unpaid
 * order is recorded without points; `points_reason` says why.
 *
 * @summary Record a shopper's feedback on an order, with optional points.
 */
export const submitFeedbackWorkflow = createWorkflow(submitFeedbackWorkflowId, (input: SubmitFeedbackInput) => {
  const order = loadFeedbackOrderStep({ order_id: input.order_id, customer_id: input.customer_id })
  const feedback = createFeedbackStep(
    transform({ input, order }, ({ input, order }) => ({
      customer_id: order.customer_id,
      order_id: order.id,
      score: input.score,
      comment: input.comment ?? null,
    }))
  )
  const context = loadInsightContextStep()
  const rules = loadProgramRulesStep()
  const award = transform({ order, context }, ({ order, context }) =>
    feedbackPoints(order, context.settings.feedback_points)
  )
  const credit = transform({ order, award, rules }, ({ order, award, rules }) =>
    award.points > 0
      ? earnPosting(rules, new Date(), {
          customer_id: order.customer_id,
          idempotency_key: IdempotencyKeys.feedbackCredit(order.id),
          points: award.points,
          reason: order.display_id ? `Thank you for your feedback on order #${order.display_id}` : "Thank you for your feedback",
          reference_type: ReferenceTypes.FEEDBACK,
          reference_id: order.id,
          order_id: order.id,
        })
      : null
  )
  const result = creditPointsStep(credit)
  emitPointsEvents(LoyaltyEvents.POINTS_EARNED, result)
  return new WorkflowResponse(
    transform({ feedback, result, award }, ({ feedback, result, award }) => ({
      feedback,
      points_awarded: result?.created ? result.entry.points : 0,
      points_reason: award.reason,
    }))
  )
})
