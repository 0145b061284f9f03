import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

/**
 * The order a payment belongs to, or null. `payment.refunded` carries only
 * the payment's id, so every handler of it starts here.
 */
export async function orderOfPayment(container: MedusaContainer, paymentId: string): Promise<string | null> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
    entity: "payment",
    fields: ["id", "payment_collection.order.id"],
    filters: { id: paymentId },
  })
  return data[0]?.payment_collection?.order?.id ?? null
}
