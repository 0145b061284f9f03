import {
  createCartCreditLinesWorkflow,
  deleteCartCreditLinesWorkflow,
  refreshCartItemsWorkflow,
} from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { POINTS_CREDIT_LINE_REFERENCE } from "../../lib/points/redemption"
import { loadProgramRulesStep } from "../points/steps/load-program-rules"
import { loadCartForPointsStep } from "./steps/load-cart-for-points"
import { validatePointsApplicationStep } from "./steps/validate-points-application"

export const applyPointsToCartWorkflowId = "loyalty-apply-points-to-cart"

export type ApplyPointsToCartInput = {
  cart_id: string
  customer_id: string
  /** Points to pay with; 0 removes the points from the cart. */
  points: number
}

/**
 * Put points on a cart (or take them off with `points: 0`): the cart gets one
 * credit line worth the points, replacing any earlier one, and the cart is
 * refreshed so totals, tax and the payment collection follow (Medusa deletes
 * payment sessions when the amount changes, so apply points before creating
 * one, or create it again). The points are debited only when the cart
 * completes.
 *
 * @summary Apply or remove loyalty points on a cart.
 */
export const applyPointsToCartWorkflow = createWorkflow(
  applyPointsToCartWorkflowId,
  (input: ApplyPointsToCartInput) => {
    const cart = loadCartForPointsStep({ cart_id: input.cart_id })
    const rules = loadProgramRulesStep()
    const creditLine = validatePointsApplicationStep({
      cart,
      customer_id: input.customer_id,
      points: input.points,
      rules,
    })

    const previous = transform({ cart }, ({ cart }) =>
      cart.credit_lines.filter((line) => line.reference === POINTS_CREDIT_LINE_REFERENCE).map((line) => line.id)
    )
    when({ previous }, ({ previous }) => previous.length > 0).then(() => {
      deleteCartCreditLinesWorkflow.runAsStep({ input: { id: previous } })
    })
    when({ creditLine }, ({ creditLine }) => !!creditLine).then(() => {
      createCartCreditLinesWorkflow.runAsStep({
        input: transform({ creditLine }, ({ creditLine }) => [creditLine!]),
      })
    })
    refreshCartItemsWorkflow.runAsStep({ input: { cart_id: input.cart_id } })
    return new WorkflowResponse(creditLine)
  }
)
