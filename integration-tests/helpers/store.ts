import {
  createApiKeysWorkflow,
  createSalesChannelsWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  updateStoresWorkflow,
} from "@medusajs/core-flows"
import type {
  ApiKeyDTO,
  MedusaContainer,
  StoreCustomer,
} from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { HttpClient, post } from "./http"

export type StoreHeaders = { "x-publishable-api-key": string }

export type CustomerHeaders = StoreHeaders & { authorization: string }

/**
 * The store's default sales channel. The app creates the store and a "Default
 * Sales Channel" on boot; if either is missing, they are created here.
 */
export async function getDefaultSalesChannelId(
  container: MedusaContainer
): Promise<string> {
  const storeModule = container.resolve(Modules.STORE)
  let [store] = await storeModule.listStores({}, { take: 1 })
  if (!store) {
    store = await storeModule.createStores({ name: "Loyalty test store" })
  }
  if (store.default_sales_channel_id) {
    return store.default_sales_channel_id
  }

  const { result } = await createSalesChannelsWorkflow(container).run({
    input: { salesChannelsData: [{ name: "Default Sales Channel" }] },
  })
  const salesChannelId = result[0].id
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: { default_sales_channel_id: salesChannelId },
    },
  })
  return salesChannelId
}

/**
 * A publishable API key linked to the default sales channel. Every `/store/*`
 * request needs its token in `x-publishable-api-key`.
 */
export async function createPublishableKey(
  container: MedusaContainer,
  { title = "Loyalty tests" }: { title?: string } = {}
): Promise<{ key: ApiKeyDTO; salesChannelId: string; storeHeaders: StoreHeaders }> {
  const salesChannelId = await getDefaultSalesChannelId(container)
  const { result } = await createApiKeysWorkflow(container).run({
    input: { api_keys: [{ title, type: "publishable", created_by: "" }] },
  })
  const key = result[0]
  await linkSalesChannelsToApiKeyWorkflow(container).run({
    input: { id: key.id, add: [salesChannelId] },
  })
  return {
    key,
    salesChannelId,
    storeHeaders: { "x-publishable-api-key": key.token },
  }
}

export type RegisteredCustomer = {
  customer: StoreCustomer
  token: string
  /** bearer + publishable key: ready for `/store/*` calls as this customer */
  headers: CustomerHeaders
}

/**
 * Registers a store customer through the HTTP API, as a storefront does:
 * `POST /auth/customer/emailpass/register` (auth identity, actor-less token) →
 * `POST /store/customers` (creates the customer, `has_account: true`, emits
 * `customer.created`) → `POST /auth/token/refresh` with the registration token
 * (a token with actor_id; what the JS SDK's `auth.refresh()` does, without
 * hashing the password a second time as a login would).
 */
export async function registerCustomer(
  api: HttpClient,
  storeHeaders: StoreHeaders,
  {
    email,
    password = "supersecret",
    first_name = "Test",
    last_name = "Customer",
  }: { email: string; password?: string; first_name?: string; last_name?: string }
): Promise<RegisteredCustomer> {
  const registration = await post<{ token: string }>(
    api,
    "/auth/customer/emailpass/register",
    { email, password }
  )

  const { customer } = await post<{ customer: StoreCustomer }>(
    api,
    "/store/customers",
    { email, first_name, last_name },
    { ...storeHeaders, authorization: `Bearer ${registration.token}` }
  )

  const member = await post<{ token: string }>(api, "/auth/token/refresh", {}, { authorization: `Bearer ${registration.token}` })

  return {
    customer,
    token: member.token,
    headers: { ...storeHeaders, authorization: `Bearer ${member.token}` },
  }
}
