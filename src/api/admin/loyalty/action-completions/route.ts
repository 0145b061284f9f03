import { IdempotencyKeys } from "../../../../lib/shared/idempotency-keys"
import { randomUUID } from "crypto"
import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { completeLoyaltyActionWorkflow } from "../../../../workflows/care"
import { accountView } from "../../../utils/views"
import { AdminCreateActionCompletionType } from "../actions/validators"

/**
 * A member did an action: staff, or a back-end integration with an admin API
 * key, report it and the member is paid the action's points, within its
 * per-customer limit (a 400 past it). Send an `Idempotency-Key` header: a
 * retried report pays once.
 */
export async function POST(req: AuthenticatedMedusaRequest<AdminCreateActionCompletionType>, res: MedusaResponse) {
  const { action_code, customer_id } = req.validatedBody
  const key = req.get("idempotency-key") ?? randomUUID()
  const { result } = await completeLoyaltyActionWorkflow(req.scope).run({
    input: {
      customer_id,
      action_code,
      scope: IdempotencyKeys.actionRequestScope(customer_id, key),
      actor_type: "admin",
      actor_id: req.auth_context.actor_id,
      now: new Date(),
    },
  })
  res.status(201).json({ entry: result?.entry ?? null, account: await accountView(req.scope, customer_id) })
}
