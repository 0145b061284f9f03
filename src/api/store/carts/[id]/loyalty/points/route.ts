import { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { applyPointsToCartWorkflow } from "../../../../../../workflows/redemption"
import { loadCartGraph, toCartForPoints } from "../../../../../../workflows/redemption/steps/load-cart-for-points"
import { loyaltyViewOfCart } from "../../../../../utils/cart-preview"
import { StoreApplyCartPointsType } from "../../../validators"

/** What the answer shows of the cart, on top of what the loyalty preview reads. */
const RESPONSE_FIELDS = ["subtotal", "tax_total", "credit_line_total", "credit_lines.*"]

/**
 * The cart as it is now and its loyalty preview, from one read of the cart
 * (the workflow has just changed it).
 */
async function respond(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const cart = await loadCartGraph(req.scope, req.params.id, RESPONSE_FIELDS)
  const loyalty = await loyaltyViewOfCart(req.scope, toCartForPoints(cart), req.auth_context.actor_id)
  const { id, currency_code, total, subtotal, tax_total, credit_line_total, credit_lines } = cart
  res.json({ cart: { id, currency_code, total, subtotal, tax_total, credit_line_total, credit_lines }, loyalty })
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
