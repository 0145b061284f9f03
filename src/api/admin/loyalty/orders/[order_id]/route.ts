import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { pointsModule } from "../../../../utils/views"

/** What one order earned, released, had reversed and redeemed, with its entries. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const service = pointsModule(req.scope)
  const orderId = req.params.order_id
  const [[summary], entries] = await Promise.all([
    service.summarizeOrders([orderId]),
    service.listEntries({ order_id: orderId }, { order: { created_at: "ASC" }, take: 200 }),
  ])
  res.json({ order_points: summary, entries })
}
