import type { completeCartWorkflow } from "@medusajs/medusa/core-flows"
import { MathBN } from "@medusajs/framework/utils"
import { POINTS_CREDIT_LINE_REFERENCE } from "../../lib/points/earning"
import type { RedeemableCart } from "../../lib/points/redemption"
import { cartPromotionCodes } from "../../lib/rewards/rules"

/** The cart as `completeCartWorkflow`'s `validate` hook gets it (Medusa's `completeCartFields`). */
export type CheckoutCart = Parameters<Parameters<typeof completeCartWorkflow.hooks.validate>[0]>[0]["cart"]

/**
 * What the loyalty program pays on a completing cart, as the hold checks it:
 * the points applied (the cart's points credit lines), the amounts the rules
 * are checked against, the promotion codes, and whose cart it is. Not the
 * cart itself: the hold is a stored workflow (it can be undone as long as
 * Medusa keeps the completion), so its input is copied at each of its
 * checkpoints and kept three days in `workflow_execution`, one row per
 * checkout that spends points or coupons.
 */
export type CheckoutRedemption = RedeemableCart & {
  cart_id: string
  customer_id: string | null
  /** The cart's customer has an account (only members spend points). */
  is_member: boolean
  promotion_codes: string[]
}

/** Amounts as exact decimal strings: what a stored checkpoint keeps of Medusa's big numbers. */
const amount = (value: Parameters<typeof MathBN.convert>[0] | null | undefined) => MathBN.convert(value ?? 0).toFixed()

type PointsLine = NonNullable<NonNullable<CheckoutCart["credit_lines"]>[number]>

/** The part of a completing cart that `holdCheckoutRedemptionWorkflow` checks and holds. */
export function checkoutRedemptionOf(cart: CheckoutCart): CheckoutRedemption {
  return {
    cart_id: cart.id,
    customer_id: cart.customer_id ?? null,
    is_member: !!cart.customer?.has_account,
    currency_code: cart.currency_code,
    total: amount(cart.total),
    shipping_total: amount(cart.shipping_total),
    credit_lines: (cart.credit_lines ?? [])
      .filter((line): line is PointsLine => line?.reference === POINTS_CREDIT_LINE_REFERENCE)
      .map((line) => ({ reference: line.reference, amount: amount(line.amount), metadata: line.metadata ?? null })),
    promotion_codes: cartPromotionCodes(cart),
  }
}

/** The reasons of the `restore` entries that give a completion attempt's debit back. */
export const CHECKOUT_FAILED = "Checkout did not complete: points returned"
export const CHECKOUT_ABANDONED = "An earlier checkout attempt did not complete: points returned"
