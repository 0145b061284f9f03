import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { updateMemberPreferencesWorkflow } from "../../../../../workflows/care"
import { preferencesView } from "../../../../utils/preferences"
import { MemberPreferencesType } from "./validators"

/** The logged-in member's birthday and notifications choice. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json({ preferences: await preferencesView(req.scope, req.auth_context.actor_id) })
}

/**
 * Set the birthday (once: a different one later is a 400 that says to ask
 * the store) and switch loyalty messages on or off.
 */
export async function POST(req: AuthenticatedMedusaRequest<MemberPreferencesType>, res: MedusaResponse) {
  const customerId = req.auth_context.actor_id
  await updateMemberPreferencesWorkflow(req.scope).run({
    input: {
      customer_id: customerId,
      birthday: req.validatedBody.birthday,
      notifications_opt_out: req.validatedBody.notifications === undefined ? undefined : !req.validatedBody.notifications,
      now: new Date(),
    },
  })
  res.json({ preferences: await preferencesView(req.scope, customerId) })
}
