import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { entriesPage } from "../../../../../utils/views"
import { EntriesPageQueryType } from "../../../../../utils/validators"

/** One page of a customer's ledger, newest first. */
export async function GET(req: AuthenticatedMedusaRequest<unknown, EntriesPageQueryType>, res: MedusaResponse) {
  res.json(await entriesPage(req.scope, req.params.customer_id, req.validatedQuery))
}
