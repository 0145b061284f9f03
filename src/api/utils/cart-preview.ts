import { MedusaContainer } from "@medusajs/framework/types"
import { cartPointsPreview } from "../../lib/points/cart-points"
import { earnMultiplier } from "../../lib/tiers/rules"
import { CartForPoints, loadCartForPoints } from "../../workflows/redemption/steps/load-cart-for-points"
import { tiersModule } from "./tier-views"
import { loadCampaignFacts, withLineFacts } from "../../workflows/campaigns/steps/campaign-facts"
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
  const now = new Date()
  const [rules, [account], tier, facts] = await Promise.all([
    service.getProgramRules(),
    isOwner ? service.listAccounts({ customer_id: customerId! }, { take: 1 }) : Promise.resolve([]),
    isOwner ? tiersModule(scope).effectiveTier(customerId!, now) : Promise.resolve(null),
    loadCampaignFacts(scope, { entity: "cart", id: cart.id, customer_id: isOwner ? customerId : null, at: now }),
  ])
  // Only the owner's groups and segments count; anyone else sees what any shopper would.
  const inputs = isOwner ? facts.inputs : { ...facts.inputs, customer_group_ids: [], segments: [] }
  const preview = cartPointsPreview(
    rules,
    { ...cart, items: withLineFacts(cart.items, facts), is_member: isOwner && cart.is_member },
    isOwner ? { balance: account?.balance ?? 0 } : null,
    earnMultiplier(tier),
    { inputs, tier: tier ? { id: tier.id, earn_multiplier: earnMultiplier(tier) } : null, at: now }
  )
  return {
    ...preview,
    tier: tier ? { id: tier.id, name: tier.name, earn_multiplier: tier.earn_multiplier } : null,
  }
}
