import { BigNumberInput } from "@medusajs/framework/types"
import { MathBN } from "@medusajs/framework/utils"

/** An order transaction as Query returns it (`transactions.amount`, `transactions.reference`). */
type OrderTransaction = { amount?: BigNumberInput | null; reference?: string | null } | null | undefined

/**
 * The cash an order's transactions of one kind add up to (`capture`,
 * `refund`), as a positive decimal string: Medusa records refunds as
 * negative amounts, and what the rules compare is how much.
 */
export function transactionsTotal(transactions: OrderTransaction[] | null | undefined, reference: string): string {
  return (transactions ?? [])
    .filter((t) => t?.reference === reference)
    .reduce((sum, t) => MathBN.add(sum, MathBN.abs(t?.amount ?? 0)), MathBN.convert(0))
    .toString()
}
