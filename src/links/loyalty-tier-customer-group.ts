import { defineLink } from "@medusajs/framework/utils"
import CustomerModule from "@medusajs/medusa/customer"
import LoyaltyTiersModule from "../modules/loyalty-tiers"

/**
 * Read-only link from a tier to the Medusa customer group that mirrors its
 * members, on the tier's `customer_group_id`: `query.graph` can read
 * `loyalty_tier.customer_group`. Membership of the group itself is written
 * through Medusa's customer-group workflows.
 */
export default defineLink(
  {
    linkable: LoyaltyTiersModule.linkable.loyaltyTier,
    field: "customer_group_id",
  },
  CustomerModule.linkable.customerGroup,
  { readOnly: true }
)
