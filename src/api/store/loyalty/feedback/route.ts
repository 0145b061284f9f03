import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { submitFeedbackWorkflow } from "../../../../workflows/insights"
import { StoreSubmitFeedbackType } from "./validators"

/**
 * Rate one of your orders 0–10 with an optional comment, once per order
 * (422 the second time; 404 for an order that is not yours; 400 for a
 * canceled order). Answers with the feedback, the points it earned and, when
 * it earned none though the program pays for feedback, why.
 */
export async function POST(req: AuthenticatedMedusaRequest<StoreSubmitFeedbackType>, res: MedusaResponse) {
  const { result } = await submitFeedbackWorkflow(req.scope).run({
    input: {
      customer_id: req.auth_context.actor_id,
      order_id: req.validatedBody.order_id,
      score: req.validatedBody.score,
      comment: req.validatedBody.comment ?? null,
    },
  })
  const { id, order_id, score, comment, created_at } = result.feedback
  res.status(201).json({
    feedback: { id, order_id, score, comment, created_at },
    points_awarded: result.points_awarded,
    points_reason: result.points_reason,
  })
}
