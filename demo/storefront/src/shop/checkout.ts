import type Medusa from "@medusajs/js-sdk"
import type { HttpTypes } from "@medusajs/types"
import type { LoyaltyClient, StoreCartLoyalty } from "medusa-plugin-loyalty-points/client"

/** A checkout step failed; `problems` lists what the shopper must fix (points that no longer fit). */
export class CheckoutError extends Error {
  constructor(message: string, readonly problems: string[] = []) {
    super(message)
  }
}

type Address = HttpTypes.StoreAddAddress

/** The customer's saved address in the region's countries, else a demo address in the region's first country. */
export function defaultAddress(customer: HttpTypes.StoreCustomer, region: HttpTypes.StoreRegion): Address {
  const countries = (region.countries ?? []).map((c) => c.iso_2).filter((c): c is string => !!c)
  const saved = (customer.addresses ?? []).find((a) => a.country_code && countries.includes(a.country_code.toLowerCase()))
  if (saved) {
    return {
      first_name: saved.first_name ?? customer.first_name ?? "Demo",
      last_name: saved.last_name ?? customer.last_name ?? "Shopper",
      address_1: saved.address_1 ?? "Demo Street 1",
      city: saved.city ?? "Demo City",
      postal_code: saved.postal_code ?? "00000",
      province: saved.province ?? undefined,
      country_code: saved.country_code!.toLowerCase(),
      phone: saved.phone ?? undefined,
    }
  }
  return {
    first_name: customer.first_name ?? "Demo",
    last_name: customer.last_name ?? "Shopper",
    address_1: "Demo Street 1",
    city: "Demo City",
    postal_code: "10115",
    country_code: countries[0],
  }
}

export type CheckoutResult = {
  order: HttpTypes.StoreOrder
  /** the cart's loyalty preview right before completion: what the order earns */
  loyalty: StoreCartLoyalty
}

/**
 * One-click checkout for the demo, in the order that keeps points right:
 *
 * 1. email + shipping/billing address (taxes now apply), 2. the first shipping
 * option, 3. check that the applied points still fit the changed cart,
 * 4. THEN the payment collection and a `pp_system_default` session — after
 * the points, so the session's amount is what is left to pay — 5. complete.
 *
 * If points are applied or removed after step 4, create the session again
 * (step 4) before completing.
 */
export async function checkout(
  sdk: Medusa,
  loyalty: LoyaltyClient,
  { cartId, customer, region, onStep }: {
    cartId: string
    customer: HttpTypes.StoreCustomer
    region: HttpTypes.StoreRegion
    onStep?: (label: string) => void
  }
): Promise<CheckoutResult> {
  const step = (label: string) => onStep?.(label)

  step("Address")
  const address = defaultAddress(customer, region)
  await sdk.store.cart.update(cartId, { email: customer.email, shipping_address: address, billing_address: address })

  step("Shipping")
  const { shipping_options } = await sdk.store.fulfillment.listCartOptions({ cart_id: cartId })
  const option = shipping_options.find((o) => !o.insufficient_inventory) ?? shipping_options[0]
  if (!option) throw new CheckoutError(`No shipping option delivers to ${address.country_code?.toUpperCase()}`)
  await sdk.store.cart.addShippingMethod(cartId, { option_id: option.id })

  step("Points")
  const { loyalty: preview } = await loyalty.cart(cartId)
  if (!preview.applied.fits) {
    throw new CheckoutError("The points applied no longer fit this cart", preview.applied.problems)
  }

  step("Payment")
  const { cart } = await sdk.store.cart.retrieve(cartId, { fields: "id,*payment_collection" })
  await sdk.store.payment.initiatePaymentSession(cart, { provider_id: "pp_system_default" })

  step("Placing the order")
  const result = await sdk.store.cart.complete(cartId)
  if (result.type !== "order") {
    throw new CheckoutError(result.error?.message ?? "The order could not be placed")
  }
  return { order: result.order, loyalty: preview }
}
