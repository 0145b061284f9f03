import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { updateInsightSettingsWorkflow } from "../../../../../workflows/insights"
import { AdminUpdateInsightSettingsType } from "../validators"
import { insightsModule } from "../views"

/** The insight settings in force (saved over plugin options over defaults). */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json({ settings: await insightsModule(req.scope).getSettings() })
}

/** Change some settings; they apply from the next recompute. */
export async function POST(req: AuthenticatedMedusaRequest<AdminUpdateInsightSettingsType>, res: MedusaResponse) {
  const { result } = await updateInsightSettingsWorkflow(req.scope).run({
    input: { changes: req.validatedBody, actor_id: req.auth_context.actor_id },
  })
  res.json({ settings: result })
}
