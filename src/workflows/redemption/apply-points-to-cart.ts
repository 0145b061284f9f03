import {
  createCartCreditLinesWorkflow,
  deleteCartCreditLinesWorkflow,
  refreshCartItemsWorkflow,
  refreshPaymentCollectionForCartWorkflow,
} from "@medusajs/medusa/core-flows"
import type { AdditionalData } from "@medusajs/framework/types"
import { createHook, createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
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
} & AdditionalData

/**
 * Put points on a cart (or take them off with `points: 0`): the cart gets one
 * credit line worth the points, replacing any earlier one, and its payment
 * collection follows the new total (Medusa deletes payment sessions when the
 * amount changes, so apply points before creating one, or create it again).
 * A credit line changes only the cart's total: prices, shipping, tax and
 * promotions are computed without it, so the cart's items are not refreshed
 * (Medusa refreshes them on every change that affects them), which keeps
 * applying points as cheap as applying a promotion code. A cart that also
 * carries another plugin's credit lines (gift cards, store credit) is
 * refreshed in full, as before, so that plugin resizes them to the new total.
 * The points are debited only when the cart completes.
 *
 * @summary Apply or remove loyalty points on a cart.
 *
 * @property hooks.validate - Runs after the plugin's own checks and before the cart is changed
 *   (`{ input, cart, credit_line }`; `credit_line` is null when points are removed): throw to refuse.
 * @property hooks.pointsApplied - Runs after the cart's credit line and payment collection follow
 *   (`{ cart_id, credit_line, additional_data }`).
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
    const validate = createHook("validate", { input, cart, credit_line: creditLine })

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
    // Gift cards or store credit (another plugin's credit lines) are sized to
    // the cart's total: their plugin resizes them when the cart is refreshed.
    const othersCredit = transform({ cart }, ({ cart }) =>
      cart.credit_lines.some((line) => line.reference !== POINTS_CREDIT_LINE_REFERENCE)
    )
    when("loyalty-refresh-cart-with-others-credit", { othersCredit }, ({ othersCredit }) => othersCredit).then(() => {
      refreshCartItemsWorkflow.runAsStep({ input: { cart_id: input.cart_id } })
    })
    when("loyalty-refresh-payment-collection-only", { othersCredit }, ({ othersCredit }) => !othersCredit).then(() => {
      refreshPaymentCollectionForCartWorkflow.runAsStep({ input: { cart_id: input.cart_id } })
    })
    const pointsApplied = createHook("pointsApplied", {
      cart_id: input.cart_id,
      credit_line: creditLine,
      additional_data: input.additional_data,
    })
    return new WorkflowResponse(creditLine, { hooks: [validate, pointsApplied] })
  }
)
