import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { updateNotificationSettingsWorkflow } from "../../../../workflows/care"
import { channelsWithProvider } from "../../../../workflows/care/steps/notification-providers"
import { notificationSettingsView } from "../../../utils/care-views"
import { pointsModule } from "../../../utils/views"
import { AdminUpdateNotificationSettingsType } from "./validators"

/** How each kind of loyalty message is sent (Settings → Loyalty → Actions and notifications). */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const care = await pointsModule(req.scope).getCareRules()
  res.json({ notifications: notificationSettingsView(care, await channelsWithProvider(req.scope)) })
}

/** Switch kinds of message on or off, or change their template or channel (null = the options' value). */
export async function POST(req: AuthenticatedMedusaRequest<AdminUpdateNotificationSettingsType>, res: MedusaResponse) {
  const { result } = await updateNotificationSettingsWorkflow(req.scope).run({
    input: { settings: req.validatedBody.kinds, actor_id: req.auth_context.actor_id },
  })
  res.json({ notifications: notificationSettingsView(result, await channelsWithProvider(req.scope)) })
}
