import { defineLink } from "@medusajs/framework/utils"
import CustomerModule from "@medusajs/medusa/customer"
import LoyaltyPointsModule from "../modules/loyalty-points"

/**
 * Read-only link from a points account to Medusa's customer on the account's
 * `customer_id`: `query.graph` reads `loyalty_account` with `customer.*`
 * (the accounts export) without a pivot table, and the ledger never depends
 * on the customer module. A read-only link goes one way: `customer` has no
 * `loyalty_account` field.
 */
export default defineLink(
  {
    linkable: LoyaltyPointsModule.linkable.loyaltyAccount,
    field: "customer_id",
  },
  CustomerModule.linkable.customer,
  { readOnly: true }
)
