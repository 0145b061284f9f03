import { randomUUID } from "crypto"
import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { adjustPointsWorkflow } from "../../../../../../workflows/points"
import { accountView } from "../../../../../utils/views"
import { AdminCreateAdjustmentType } from "../../../validators"
import { IdempotencyKeys } from "../../../../../../lib/shared/idempotency-keys"

/**
 * Grant or take points by hand. The admin user is recorded as the actor; an
 * `Idempotency-Key` header makes a retried request post once.
 */
export async function POST(req: AuthenticatedMedusaRequest<AdminCreateAdjustmentType>, res: MedusaResponse) {
  const headerKey = req.get("idempotency-key")
  const { result } = await adjustPointsWorkflow(req.scope).run({
    input: {
      customer_id: req.params.customer_id,
      points: req.validatedBody.points,
      reason: req.validatedBody.reason,
      actor_id: req.auth_context.actor_id,
      idempotency_key: headerKey ? IdempotencyKeys.adjustmentRequest(req.params.customer_id, headerKey) : randomUUID(),
    },
  })
  res.json({ entry: result?.entry ?? null, account: await accountView(req.scope, req.params.customer_id) })
}
