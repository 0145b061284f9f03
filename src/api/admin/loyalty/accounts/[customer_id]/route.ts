import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { accountView, entriesPage } from "../../../../utils/views"
import { EntriesPageQueryType } from "../../../../utils/validators"

/**
 * A customer's points figures with the first page of their ledger. A customer
 * that does not exist is a 404 before this runs (utils/request-guards).
 */
export async function GET(req: AuthenticatedMedusaRequest<unknown, EntriesPageQueryType>, res: MedusaResponse) {
  const customerId = req.params.customer_id
  const [account, page] = await Promise.all([
    accountView(req.scope, customerId),
    entriesPage(req.scope, customerId, req.validatedQuery),
  ])
  res.json({ account, ...page })
}
