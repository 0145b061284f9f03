import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { adminCustomerTier, assertCustomerExists } from "../../../../../utils/tier-views"
import { EntriesPageQueryType } from "../../../../../utils/validators"

/** A customer's tier (in effect and earned), progress, a page of tier history and the latest overrides. */
export async function GET(req: AuthenticatedMedusaRequest<unknown, EntriesPageQueryType>, res: MedusaResponse) {
  await assertCustomerExists(req.scope, req.params.customer_id)
  res.json(await adminCustomerTier(req.scope, req.params.customer_id, req.validatedQuery))
}
