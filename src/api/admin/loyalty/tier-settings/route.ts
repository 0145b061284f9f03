import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { updateTierSettingsWorkflow } from "../../../../workflows/tiers"
import { describeWindow, tiersModule } from "../../../utils/tier-views"
import { AdminUpdateTierSettingsType } from "../tiers/validators"

/** How tiers qualify: the window and the grace days. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const settings = await tiersModule(req.scope).getSettings()
  res.json({ settings, description: describeWindow(settings) })
}

/** Change the window or the grace days; running periods keep their end date, lifetime tiers get one. */
export async function POST(req: AuthenticatedMedusaRequest<AdminUpdateTierSettingsType>, res: MedusaResponse) {
  const { result } = await updateTierSettingsWorkflow(req.scope).run({
    input: { changes: req.validatedBody, actor_id: req.auth_context.actor_id, now: new Date() },
  })
  res.json({ settings: result, description: describeWindow(result) })
}
