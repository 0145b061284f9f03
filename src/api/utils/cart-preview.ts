import { MedusaContainer } from "@medusajs/framework/types"
import { cartPointsPreview } from "../../lib/cart-points"
import { loadCartForPoints } from "../../workflows/cart/steps/load-cart-for-points"
import { pointsModule } from "./views"

/**
 * The checkout preview for a cart as seen by `customerId` (null = not logged
 * in). Only the cart's owner sees a balance and redemption limits.
 */
export async function cartLoyaltyView(scope: MedusaContainer, cartId: string, customerId: string | null) {
  const service = pointsModule(scope)
  const cart = await loadCartForPoints(scope, cartId)
  const isOwner = !!customerId && cart.customer_id === customerId
  const [rules, account] = await Promise.all([
    service.getProgramRules(),
    isOwner ? service.retrieveAccountByCustomer(customerId!) : Promise.resolve(null),
  ])
  return cartPointsPreview(
    rules,
    { ...cart, is_member: isOwner && cart.is_member },
    isOwner ? { balance: account?.balance ?? 0 } : null
  )
}
