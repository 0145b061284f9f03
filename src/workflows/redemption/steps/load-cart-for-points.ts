import { BigNumberInput, MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { EARNING_FIELDS, EarnableItem } from "../../../lib/points/earning"
import { earnableCreditLineOf, earnableItemOf, GraphCreditLine, GraphLineItem, presentOf } from "../../../lib/points/graph-inputs"
import { RedeemableCart } from "../../../lib/points/redemption"
import { graphOne } from "../../shared/graph-one"

export const loadCartForPointsStepId = "loyalty-load-cart-for-points-step"

/** A cart as the earn preview and the redemption rules see it. */
export type CartForPoints = Omit<RedeemableCart, "credit_lines"> & {
  id: string
  customer_id: string | null
  is_member: boolean
  completed_at: Date | string | null
  items: EarnableItem[]
  credit_lines: { id: string; amount: BigNumberInput; reference: string | null; metadata: Record<string, unknown> | null }[]
}

export const CART_FIELDS = [
  "id",
  "customer_id",
  "customer.has_account",
  "completed_at",
  "currency_code",
  ...EARNING_FIELDS,
  "credit_lines.id",
  "credit_lines.amount",
  "credit_lines.reference",
  "credit_lines.metadata",
]

/** A cart as `query.graph` returns it with (at least) CART_FIELDS. */
type CartGraph = {
  id: string
  customer_id?: string | null
  customer?: { has_account?: boolean | null } | null
  completed_at?: unknown
  currency_code: string
  total?: BigNumberInput | null
  shipping_total?: BigNumberInput | null
  items?: (GraphLineItem | null)[] | null
  credit_lines?: (({ id: string; metadata?: unknown } & GraphCreditLine) | null)[] | null
}

/** The points view of a cart read with CART_FIELDS (and any other fields). */
export function toCartForPoints(cart: CartGraph): CartForPoints {
  return {
    id: cart.id,
    customer_id: cart.customer_id ?? null,
    is_member: !!cart.customer?.has_account,
    completed_at: (cart.completed_at as Date | string | null) ?? null,
    currency_code: cart.currency_code,
    total: cart.total ?? 0,
    shipping_total: cart.shipping_total ?? 0,
    items: presentOf(cart.items).map(earnableItemOf),
    credit_lines: presentOf(cart.credit_lines).map((line) => ({
      id: line.id,
      ...earnableCreditLineOf(line),
      metadata: (line.metadata as Record<string, unknown> | null) ?? null,
    })),
  }
}

/**
 * Read a cart with its totals and credit lines (CART_FIELDS plus `fields`);
 * 404 when it does not exist.
 */
export async function loadCartGraph(container: MedusaContainer, cartId: string, fields: string[] = []) {
  const cart = await graphOne(container, "cart", cartId, [...CART_FIELDS, ...fields])
  if (!cart) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `Cart ${cartId} was not found`)
  }
  return cart
}

/** Read a cart with its totals and credit lines; 404 when it does not exist. */
export async function loadCartForPoints(container: MedusaContainer, cartId: string): Promise<CartForPoints> {
  return toCartForPoints(await loadCartGraph(container, cartId))
}

/** The cart with its totals, read once at the start of apply/remove. */
export const loadCartForPointsStep = createStep(
  loadCartForPointsStepId,
  async (input: { cart_id: string }, { container }) => {
    return new StepResponse(await loadCartForPoints(container, input.cart_id))
  }
)
