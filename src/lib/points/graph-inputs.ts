import { BigNumberInput } from "@medusajs/framework/types"
import { EarnableCreditLine, EarnableItem } from "./earning"

/**
 * Medusa's orders and carts as `query.graph` returns them, turned into what
 * the earning rules read. Query types a list relation as `(T | null)[] | null`
 * and a total as optional; these functions are the one place that says what
 * a missing value means (no rows, zero, not a gift card, no product), so the
 * order loader, the cart loader, the referral evidence and the campaign cost
 * estimate read an order's lines the same way.
 */

/** The rows of a list relation read with `query.graph`, without the nulls Query types it with. */
export function presentOf<T>(list: readonly (T | null | undefined)[] | null | undefined): T[] {
  return (list ?? []).filter((row): row is T => row !== null && row !== undefined)
}

/** A line item's money as Query reads it (`items.subtotal`, `items.discount_subtotal`, `items.is_giftcard`). */
export type GraphLineItem = {
  id?: string
  subtotal?: BigNumberInput | null
  discount_subtotal?: BigNumberInput | null
  is_giftcard?: boolean | null
}

/** What earning reads of a line: its id, its money before tax and whether it is a gift card. */
export function earnableItemOf(item: GraphLineItem): EarnableItem {
  return {
    id: item.id,
    subtotal: item.subtotal ?? 0,
    discount_subtotal: item.discount_subtotal ?? 0,
    is_giftcard: item.is_giftcard ?? false,
  }
}

/** A credit line as Query reads it (`credit_lines.amount`, `credit_lines.reference`). */
export type GraphCreditLine = { amount?: BigNumberInput | null; reference?: string | null }

/** What earning reads of a credit line: its amount and whose it is (ours pays with points). */
export function earnableCreditLineOf(line: GraphCreditLine): EarnableCreditLine & { reference: string | null } {
  return { amount: line.amount ?? 0, reference: line.reference ?? null }
}

/** A line's product facts, which per-product earning rules and campaign targeting read. */
export type LineProductFacts = { product_id: string | null; collection_id: string | null; category_ids: string[] }

/** A line with its product as Query reads it (`items.product_id`, `items.product.collection_id`, `items.product.categories.id`). */
export type GraphProductLine = {
  product_id?: string | null
  product?: { collection_id?: string | null; categories?: ({ id: string } | null)[] | null } | null
}

/** The product facts of a line: its product, the product's collection and its categories. */
export function lineProductFactsOf(item: GraphProductLine): LineProductFacts {
  return {
    product_id: item.product_id ?? null,
    collection_id: item.product?.collection_id ?? null,
    category_ids: presentOf(item.product?.categories).map((category) => category.id),
  }
}
