import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { AddressLike, ReferralIdentity } from "../../../lib/referrals/rules"
import { graphOne } from "../../shared/graph-one"

const ADDRESS_FIELDS = ["address_1", "address_2", "postal_code", "city", "country_code", "phone"] as const

/** How many of a referrer's latest orders the address and phone rules compare against. */
export const REFERRER_ORDERS_COMPARED = 50

export type CustomerIdentity = {
  id: string
  has_account: boolean
  created_at: Date
  first_name: string | null
  last_name: string | null
  identity: ReferralIdentity
}

const pickAddress = (address: Record<string, unknown> | null | undefined): AddressLike | null =>
  address ? Object.fromEntries(ADDRESS_FIELDS.map((field) => [field, (address[field] as string) ?? null])) : null

/**
 * A customer's email, phones and addresses as the fraud rules compare them;
 * with `withOrders`, also the delivery addresses and phones of their latest
 * orders. Null for an unknown or deleted customer.
 */
export async function loadCustomerIdentity(
  container: MedusaContainer,
  customerId: string,
  { withOrders = false } = {}
): Promise<CustomerIdentity | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const customer = await graphOne(container, "customer", customerId, ["id", "email", "phone", "has_account", "created_at", "first_name", "last_name", ...ADDRESS_FIELDS.map((f) => `addresses.${f}`)])
  if (!customer) return null
  const addresses = (customer.addresses ?? []).map((a) => pickAddress(a as Record<string, unknown>)).filter(Boolean) as AddressLike[]
  if (withOrders) {
    const { data: orders } = await query.graph({
      entity: "order",
      fields: ADDRESS_FIELDS.map((f) => `shipping_address.${f}`),
      filters: { customer_id: customerId },
      pagination: { take: REFERRER_ORDERS_COMPARED, order: { created_at: "DESC" } },
    })
    for (const order of orders) {
      const address = pickAddress(order.shipping_address as Record<string, unknown> | null)
      if (address) addresses.push(address)
    }
  }
  return {
    id: customer.id,
    has_account: !!customer.has_account,
    created_at: new Date(customer.created_at as unknown as string),
    first_name: customer.first_name ?? null,
    last_name: customer.last_name ?? null,
    identity: {
      email: customer.email ?? null,
      phones: [customer.phone, ...addresses.map((a) => a.phone)],
      addresses,
    },
  }
}
