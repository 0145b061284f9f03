import { createEraseStep, deleteMemberRows, eraseRows } from "./create-erase-step"
import { insightsService } from "../../insights/steps/resolve-service"

export const eraseInsightsMemberDataStepId = "loyalty-erase-insights-member-data-step"

/**
 * The insights module's personal data of a member: their scores, segments
 * and segment history in every run, and the comments of their feedback (the
 * scores stay, so the NPS does). KPI snapshots are totals and stay as they
 * are. Final and idempotent, like every erasure step.
 */
export const eraseInsightsMemberDataStep = createEraseStep(eraseInsightsMemberDataStepId, insightsService, async (service, customer_id) => ({
  insights: await deleteMemberRows(service, "CustomerInsights", customer_id),
  segment_changes: await deleteMemberRows(service, "SegmentChanges", customer_id),
  feedback: await eraseRows(
    await service.listFeedbacks({ customer_id }, { select: ["id"], take: null }),
    (rows) => service.updateFeedbacks(rows.map((row) => ({ id: row.id, comment: null })))
  ),
}))
