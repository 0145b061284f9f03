import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { endTierOverrideWorkflow, setTierOverrideWorkflow } from "../../../../../../../workflows/tiers"
import { adminCustomerTier } from "../../../../../../utils/tier-views"
import { AdminEndTierOverrideQueryType, AdminSetTierOverrideType } from "../../../../tiers/validators"

/**
 * Put the customer in a tier (`tier_id`, or null for none) with a reason,
 * until `ends_at` (optional). The admin user is recorded as the author.
 */
export async function POST(req: AuthenticatedMedusaRequest<AdminSetTierOverrideType>, res: MedusaResponse) {
  await setTierOverrideWorkflow(req.scope).run({
    input: {
      customer_id: req.params.customer_id,
      tier_id: req.validatedBody.tier_id,
      reason: req.validatedBody.reason,
      ends_at: req.validatedBody.ends_at ?? null,
      actor_id: req.auth_context.actor_id,
      now: new Date(),
    },
  })
  res.json(await adminCustomerTier(req.scope, req.params.customer_id))
}

/** End the customer's override now (`?reason=` optional); 404 when there is none. */
export async function DELETE(
  req: AuthenticatedMedusaRequest<unknown, AdminEndTierOverrideQueryType>,
  res: MedusaResponse
) {
  await endTierOverrideWorkflow(req.scope).run({
    input: {
      customer_id: req.params.customer_id,
      now: new Date(),
      actor_id: req.auth_context.actor_id,
      reason: req.validatedQuery.reason ?? null,
    },
  })
  res.json(await adminCustomerTier(req.scope, req.params.customer_id))
}
