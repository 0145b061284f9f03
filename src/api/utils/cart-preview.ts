import { MedusaContainer } from "@medusajs/framework/types"
import { cartPointsPreview } from "../../lib/points/cart-points"
import { earnMultiplier } from "../../lib/tiers/rules"
import { CartForPoints, loadCartForPoints } from "../../workflows/redemption/steps/load-cart-for-points"
import { tiersModule } from "./tier-views"
import { pointsModule } from "./views"

/**
 * The checkout preview for a cart as seen by `customerId` (null = not logged
 * in). Only the cart's owner sees a balance and redemption limits. The
 * owner's tier in effect multiplies the points to earn, exactly as the earn
 * workflow will (`earnMultiplier`), and is named in `tier`.
 */
export async function cartLoyaltyView(scope: MedusaContainer, cartId: string, customerId: string | null) {
  return loyaltyViewOfCart(scope, await loadCartForPoints(scope, cartId), customerId)
}

/** `cartLoyaltyView` of a cart the caller has read already. */
export async function loyaltyViewOfCart(scope: MedusaContainer, cart: CartForPoints, customerId: string | null) {
  const service = pointsModule(scope)
  const isOwner = !!customerId && cart.customer_id === customerId
  const [rules, account, tier] = await Promise.all([
    service.getProgramRules(),
    isOwner ? service.retrieveAccountByCustomer(customerId!) : Promise.resolve(null),
    isOwner ? tiersModule(scope).effectiveTier(customerId!, new Date()) : Promise.resolve(null),
  ])
  const preview = cartPointsPreview(
    rules,
    { ...cart, is_member: isOwner && cart.is_member },
    isOwner ? { balance: account?.balance ?? 0 } : null,
    earnMultiplier(tier)
  )
  return {
    ...preview,
    tier: tier ? { id: tier.id, name: tier.name, earn_multiplier: tier.earn_multiplier } : null,
  }
}
