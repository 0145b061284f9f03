import type { StoreCart, StoreOrder } from "@medusajs/framework/types"
import { Headers, HttpClient, get, post } from "./http"
import type { StoreHeaders } from "./store"

export type PlaceOrderInput = {
  /** a registered customer's headers (bearer + publishable key): the cart and order belong to them */
  customerHeaders?: Headers
  email: string
  items: { variant_id: string; quantity: number }[]
  regionId: string
  shippingOptionId: string
  promoCodes?: string[]
  /** default: a German address */
  shippingAddress?: Record<string, string>
  /** run before `/complete` (e.g. apply points to the cart) */
  beforeComplete?: (cart: StoreCart, headers: Headers) => Promise<void>
}

export const GERMAN_ADDRESS = {
  first_name: "Erika",
  last_name: "Mustermann",
  address_1: "Unter den Linden 1",
  city: "Berlin",
  postal_code: "10117",
  country_code: "de",
}

/**
 * Creates a cart and completes it through the store API, the way a storefront
 * does: cart with its items, email, addresses and promo codes → shipping
 * method → payment collection → `pp_system_default` session → complete.
 *
 * With `customerHeaders` the cart is created with the customer's bearer token
 * and so belongs to that customer.
 *
 * Returns the order re-read from `/store/orders/:id` with `customer_id`,
 * `sales_channel_id`, `payment_status` and `fulfillment_status` added (the
 * `/complete` answer lacks `customer_id`) — or, for a guest, who cannot read
 * `/store/orders`, the `/complete` answer as is — and the cart
 * as it was just before completion. Throws when completion does not produce an
 * order (`{type: "cart", error}` is a 200 answer in Medusa).
 */
export async function placeOrder(
  api: HttpClient,
  storeHeaders: StoreHeaders,
  input: PlaceOrderInput
): Promise<{ order: StoreOrder; cart: StoreCart }> {
  const headers: Headers = { ...storeHeaders, ...(input.customerHeaders ?? {}) }

  // One request, as a storefront that builds the cart on its own page does: Medusa's
  // createCartWorkflow adds the items, addresses and codes (the same steps as the
  // separate line-item, update and promotion requests) before it prices the cart once.
  let { cart } = await post<{ cart: StoreCart }>(
    api,
    "/store/carts",
    {
      region_id: input.regionId,
      email: input.email,
      shipping_address: input.shippingAddress ?? GERMAN_ADDRESS,
      billing_address: input.shippingAddress ?? GERMAN_ADDRESS,
      items: input.items,
      ...(input.promoCodes?.length ? { promo_codes: input.promoCodes } : {}),
    },
    headers
  )

  ;({ cart } = await post<{ cart: StoreCart }>(
    api,
    `/store/carts/${cart.id}/shipping-methods`,
    { option_id: input.shippingOptionId },
    headers
  ))

  if (input.beforeComplete) {
    await input.beforeComplete(cart, headers)
  }

  const { payment_collection } = await post<{ payment_collection: { id: string } }>(
    api,
    "/store/payment-collections",
    { cart_id: cart.id },
    headers
  )
  await post(
    api,
    `/store/payment-collections/${payment_collection.id}/payment-sessions`,
    { provider_id: "pp_system_default" },
    headers
  )

  // the cart as it is at completion (totals, credit lines, promotions)
  ;({ cart } = await get<{ cart: StoreCart }>(api, `/store/carts/${cart.id}`, headers))

  const completed = await post<
    | { type: "order"; order: StoreOrder }
    | { type: "cart"; cart: StoreCart; error: unknown }
  >(api, `/store/carts/${cart.id}/complete`, {}, headers)

  if (completed.type !== "order") {
    throw new Error(
      `cart ${cart.id} did not complete: ${JSON.stringify(completed.error)}`
    )
  }

  if (!input.customerHeaders) {
    return { order: completed.order, cart }
  }

  const { order } = await get<{ order: StoreOrder }>(
    api,
    `/store/orders/${completed.order.id}?fields=${encodeURIComponent(
      "+customer_id,+sales_channel_id,+payment_status,+fulfillment_status"
    )}`,
    headers
  )
  return { order, cart }
}
