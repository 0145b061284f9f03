import { defineLink } from "@medusajs/framework/utils"
import CustomerModule from "@medusajs/medusa/customer"
import LoyaltyTiersModule from "../modules/loyalty-tiers"

/**
 * Read-only link from a tier membership to Medusa's customer on the
 * membership's `customer_id`: `query.graph` reads `loyalty_tier_membership`
 * with `customer.*` (the tiers export) without a pivot table. One way only:
 * `customer` has no `loyalty_tier_membership` field.
 */
export default defineLink(
  {
    linkable: LoyaltyTiersModule.linkable.loyaltyTierMembership,
    field: "customer_id",
  },
  CustomerModule.linkable.customer,
  { readOnly: true }
)
