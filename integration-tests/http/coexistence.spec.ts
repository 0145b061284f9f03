import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import {
  capturePayment,
  createAdminUser,
  createPublishableKey,
  eventually,
  get,
  getAdminOrder,
  GERMAN_ADDRESS,
  placeOrder,
  post,
  receiveReturn,
  registerCustomer,
  setupCommerce,
} from "../helpers"

jest.setTimeout(180_000)

/**
 * This plugin next to Medusa's own `@medusajs/loyalty-plugin`: both boot
 * (no workflow hook is claimed twice), one cart is paid partly with store
 * credit and partly with points, each debited once, and a return gives the
 * points back without the official plugin also paying them out as store credit.
 */
medusaIntegrationTestRunner({
  inApp: true,
  medusaConfigFile: path.join(__dirname, "../coexistence"),
  env: { MEDUSA_DISABLE_TELEMETRY: "true" },
  testSuite: ({ api, getContainer }) => {
    it("completes a cart paid with store credit and points, debiting both", async () => {
      const container = getContainer()
      const fixture = await setupCommerce(container)
      const admin = await createAdminUser(container)
      const { storeHeaders } = await createPublishableKey(container)

      const { customer, headers } = await registerCustomer(api, storeHeaders, { email: "both@example.com" })
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", headers)).account.balance).toBe(50)
      )
      await post(api, `/admin/loyalty/accounts/${customer.id}/adjustments`, { points: 950, reason: "test" }, admin.headers)
      const { store_credit_account } = await post(
        api,
        "/admin/store-credit-accounts",
        { currency_code: "eur", customer_id: customer.id },
        admin.headers
      )
      await post(api, `/admin/store-credit-accounts/${store_credit_account.id}/credit`, { amount: 20 }, admin.headers)

      const { cart } = await post(api, "/store/carts", { region_id: fixture.regionId }, headers)
      await post(api, `/store/carts/${cart.id}/line-items`, { variant_id: fixture.expensiveVariantId, quantity: 2 }, headers)
      await post(api, `/store/carts/${cart.id}`, { email: "both@example.com", shipping_address: GERMAN_ADDRESS }, headers)
      await post(api, `/store/carts/${cart.id}/shipping-methods`, { option_id: fixture.shippingOptionId }, headers)
      await post(api, `/store/carts/${cart.id}/loyalty/points`, { points: 500 }, headers)
      const { cart: paid } = await post(api, `/store/carts/${cart.id}/store-credits`, { amount: 20 }, headers)
      expect(
        (paid.credit_lines ?? []).map((l: { reference: string; amount: number }) => [l.reference, Number(l.amount)]).sort()
      ).toEqual([
        ["loyalty-points", 5],
        ["store-credit", 20],
      ])
      expect(Number(paid.total)).toBeCloseTo(224.9, 2)

      const { payment_collection } = await post(api, "/store/payment-collections", { cart_id: cart.id }, headers)
      await post(api, `/store/payment-collections/${payment_collection.id}/payment-sessions`, { provider_id: "pp_system_default" }, headers)
      const done = await post(api, `/store/carts/${cart.id}/complete`, {}, headers)
      expect(done.type).toBe("order")
      expect(Number(done.order.total)).toBeCloseTo(224.9, 2)

      expect((await get(api, "/store/loyalty/account", headers)).account.balance).toBe(500)
      const { store_credit_account: after } = await get(
        api,
        `/admin/store-credit-accounts/${store_credit_account.id}`,
        admin.headers
      )
      expect(Number(after.balance)).toBe(0)
    })

    it("gives a return's points back without paying them into store credit too, and a store-credit refund moves no points (issue 12, defect 2)", async () => {
      const container = getContainer()
      const fixture = await setupCommerce(container)
      const admin = await createAdminUser(container)
      const { storeHeaders } = await createPublishableKey(container)
      const { customer, headers } = await registerCustomer(api, storeHeaders, { email: "return@example.com" })
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", headers)).account.balance).toBe(50)
      )
      await post(api, `/admin/loyalty/accounts/${customer.id}/adjustments`, { points: 950, reason: "test" }, admin.headers)
      const { order } = await placeOrder(api, storeHeaders, {
        customerHeaders: headers,
        email: "return@example.com",
        items: [{ variant_id: fixture.expensiveVariantId, quantity: 2 }],
        regionId: fixture.regionId,
        shippingOptionId: fixture.shippingOptionId,
        beforeComplete: async (cart) => {
          await post(api, `/store/carts/${cart.id}/loyalty/points`, { points: 400 }, headers)
        },
      })
      expect((await get(api, "/store/loyalty/account", headers)).account.balance).toBe(600)
      await capturePayment(api, admin.headers, order.id)
      const [item] = (await getAdminOrder(api, admin.headers, order.id, "id,*items")).items!
      await receiveReturn(api, admin.headers, {
        orderId: order.id,
        items: [{ id: item.id, quantity: 1 }],
        locationId: fixture.stockLocationId,
      })
      // The shirt's 119.00 comes back as the 400 points (4.00) first; Medusa owes the other 115.00.
      await eventually(async () => expect((await get(api, "/store/loyalty/account", headers)).account.balance).toBe(1000))
      const owed = async () => Number((await getAdminOrder(api, admin.headers, order.id, "id,*summary")).summary!.pending_difference)
      await eventually(async () => expect(await owed()).toBeCloseTo(-115, 2))
      const storeCredit = async () =>
        (await get(api, `/admin/store-credit-accounts?customer_id=${customer.id}`, admin.headers)).store_credit_accounts
      expect(await storeCredit()).toEqual([])

      // Staff refund the rest as store credit (the official plugin's credit-line hook): no points move.
      await post(
        api,
        `/admin/orders/${order.id}/credit-lines`,
        { amount: -115, reference: "store-credit", reference_id: "refund" },
        admin.headers
      )
      await eventually(async () => expect(Number((await storeCredit())[0]?.balance)).toBe(115))
      expect(await owed()).toBeCloseTo(0, 2)
      const { order_points } = await get(api, `/admin/loyalty/orders/${order.id}`, admin.headers)
      expect(order_points).toMatchObject({ redeemed: 400, restored: 400, earned: 196, reversed: 96 })
      expect((await get(api, "/store/loyalty/account", headers)).account).toMatchObject({ balance: 1000, pending: 100 })
    })
  },
})
