import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { nextOccurrences, scheduleProblems } from "../../../../lib/campaigns/schedule"
import { campaignsModule } from "../campaigns/views"
import { AdminPreviewCampaignType } from "../campaigns/validators"

/**
 * The next occurrences of a schedule before it is saved (the admin's
 * recurrence picker), in the store's time zone unless one is given.
 */
export async function POST(req: AuthenticatedMedusaRequest<AdminPreviewCampaignType>, res: MedusaResponse) {
  const body = req.validatedBody
  const schedule = {
    starts_at: body.starts_at ?? null,
    ends_at: body.ends_at ?? null,
    recurrence: body.recurrence ?? null,
    time_zone: body.time_zone ?? campaignsModule(req.scope).defaultTimeZone(),
  }
  const problems = scheduleProblems(schedule)
  if (problems.length) throw new MedusaError(MedusaError.Types.INVALID_DATA, problems.join("; "))
  res.json({ time_zone: schedule.time_zone, occurrences: nextOccurrences(schedule, new Date(), body.count ?? 5) })
}
