import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { insightsService } from "../../insights/steps/resolve-service"

export const eraseInsightsMemberDataStepId = "loyalty-erase-insights-member-data-step"

/**
 * The insights module's personal data of a member: their scores, segments
 * and segment history in every run, and the comments of their feedback (the
 * scores stay, so the NPS does). KPI snapshots are totals and stay as they
 * are. Final and idempotent, like every erasure step.
 */
export const eraseInsightsMemberDataStep = createStep(
  eraseInsightsMemberDataStepId,
  async (input: { customer_id: string }, { container }) => {
    const service = insightsService(container)
    const insights = await service.listCustomerInsights({ customer_id: input.customer_id }, { select: ["id"], take: null })
    if (insights.length) await service.deleteCustomerInsights(insights.map((row) => row.id))
    const changes = await service.listSegmentChanges({ customer_id: input.customer_id }, { select: ["id"], take: null })
    if (changes.length) await service.deleteSegmentChanges(changes.map((row) => row.id))
    const feedback = await service.listFeedbacks({ customer_id: input.customer_id }, { select: ["id"], take: null })
    if (feedback.length) await service.updateFeedbacks(feedback.map((row) => ({ id: row.id, comment: null })))
    return new StepResponse({ insights: insights.length, segment_changes: changes.length, feedback: feedback.length })
  }
)
