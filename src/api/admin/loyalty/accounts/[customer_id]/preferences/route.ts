import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { updateMemberPreferencesWorkflow } from "../../../../../../workflows/care"
import { AdminMemberPreferencesType } from "../../../../../store/loyalty/account/preferences/validators"
import { memberMessages } from "../../../../../utils/care-views"
import { preferencesView } from "../../../../../utils/preferences"

/**
 * A member's birthday and notifications choice, and the last loyalty messages
 * the Notification Module sent them, as the customer page shows them.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const customerId = req.params.customer_id
  const messages = await memberMessages(req.scope, customerId)
  res.json({ preferences: await preferencesView(req.scope, customerId), messages })
}

/** Staff correct a member's birthday (also one already set, or clear it with null) or their notifications choice. */
export async function POST(req: AuthenticatedMedusaRequest<AdminMemberPreferencesType>, res: MedusaResponse) {
  await updateMemberPreferencesWorkflow(req.scope).run({
    input: {
      customer_id: req.params.customer_id,
      birthday: req.validatedBody.birthday,
      notifications_opt_out: req.validatedBody.notifications === undefined ? undefined : !req.validatedBody.notifications,
      allow_birthday_change: true,
      now: new Date(),
    },
  })
  res.json({ preferences: await preferencesView(req.scope, req.params.customer_id) })
}
