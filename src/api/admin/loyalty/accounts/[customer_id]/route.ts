import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { accountView, entriesPage } from "../../../../utils/views"
import { EntriesPageQueryType } from "../../../../utils/validators"

/** A customer's points figures with the first page of their ledger. */
export async function GET(req: AuthenticatedMedusaRequest<unknown, EntriesPageQueryType>, res: MedusaResponse) {
  const customerId = req.params.customer_id
  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "customer", fields: ["id"], filters: { id: customerId } })
  if (!data.length) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Customer ${customerId} was not found`)
  }
  const [account, page] = await Promise.all([
    accountView(req.scope, customerId),
    entriesPage(req.scope, customerId, req.validatedQuery),
  ])
  res.json({ account, ...page })
}
