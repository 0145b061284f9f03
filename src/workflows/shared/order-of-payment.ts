import type { MedusaContainer } from "@medusajs/framework/types"
import { graphOne } from "./graph-one"

/**
 * The order a payment belongs to, or null. `payment.refunded` carries only
 * the payment's id, so every handler of it starts here.
 */
export async function orderOfPayment(container: MedusaContainer, paymentId: string): Promise<string | null> {
  const payment = await graphOne(container, "payment", paymentId, ["id", "payment_collection.order.id"])
  return payment?.payment_collection?.order?.id ?? null
}
