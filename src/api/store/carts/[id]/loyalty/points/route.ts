import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { applyPointsToCartWorkflow } from "../../../../../../workflows/cart"
import { cartLoyaltyView } from "../../../../../utils/cart-preview"
import { StoreApplyCartPointsType } from "../../../validators"

async function respond(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  const [{ data }, loyalty] = await Promise.all([
    query.graph({
      entity: "cart",
      fields: ["id", "currency_code", "total", "subtotal", "tax_total", "credit_line_total", "*credit_lines"],
      filters: { id: req.params.id },
    }),
    cartLoyaltyView(req.scope, req.params.id, req.auth_context.actor_id),
  ])
  res.json({ cart: data[0], loyalty })
}

/** Pay part of the cart with points: replaces any points applied before. */
export async function POST(req: AuthenticatedMedusaRequest<StoreApplyCartPointsType>, res: MedusaResponse) {
  await applyPointsToCartWorkflow(req.scope).run({
    input: { cart_id: req.params.id, customer_id: req.auth_context.actor_id, points: req.validatedBody.points },
  })
  await respond(req, res)
}

/** Take the points off the cart. */
export async function DELETE(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  await applyPointsToCartWorkflow(req.scope).run({
    input: { cart_id: req.params.id, customer_id: req.auth_context.actor_id, points: 0 },
  })
  await respond(req, res)
}
