import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { memberExport } from "../../../../utils/member-export"

/**
 * The logged-in shopper's whole loyalty data as JSON (a data access request:
 * entries, lots, coupons, tier history, referrals, campaign awards, feedback,
 * insights), served as a download.
 */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const data = await memberExport(req.scope, req.auth_context.actor_id)
  res.setHeader("Content-Disposition", `attachment; filename="loyalty-data-${data.customer_id}.json"`)
  res.json(data)
}
