import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { memberExport } from "../../../../../utils/member-export"

/** What the plugin holds about a customer, for staff answering a data access request. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const data = await memberExport(req.scope, req.params.customer_id)
  res.setHeader("Content-Disposition", `attachment; filename="loyalty-data-${data.customer_id}.json"`)
  res.json(data)
}
