import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { adminCustomerTier } from "../../../../../utils/tier-views"
import { EntriesPageQueryType } from "../../../../../utils/validators"

/**
 * A customer's tier (in effect and earned), progress, a page of tier history
 * and the latest overrides. A customer that does not exist is a 404 before
 * this runs (utils/request-guards).
 */
export async function GET(req: AuthenticatedMedusaRequest<unknown, EntriesPageQueryType>, res: MedusaResponse) {
  res.json(await adminCustomerTier(req.scope, req.params.customer_id, req.validatedQuery))
}
