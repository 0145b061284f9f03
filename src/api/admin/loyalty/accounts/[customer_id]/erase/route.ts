import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { eraseMemberDataWorkflow } from "../../../../../../workflows/privacy"

/**
 * "Erase personal data" (a request to be forgotten): the member's personal
 * data goes from every plugin table; balances and the ledger's amounts stay.
 * Deleting the customer in Medusa does the same (and closes the account).
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const { result } = await eraseMemberDataWorkflow(req.scope).run({ input: { customer_id: req.params.customer_id } })
  res.json(result)
}
