import {
  AdminUser,
  CommerceFixture,
  StoreHeaders,
  capturePayment,
  get,
  getAdminOrder,
  placeOrder,
  refundPayment,
  registerCustomer,
} from "../helpers"
import { httpSuite } from "../helpers/one-boot"

/**
 * Smoke test of the shared fixtures: a store that can sell, a customer, a full
 * checkout with capture and refund and the figures Medusa gives them, and the
 * isolation the other suites rely on (every test starts from its suite's
 * beforeAll; on one boot, every suite from the booted database with the boot's store).
 * Cancels and returns through the helpers are covered where they matter, by
 * points reversal ("reverses everything a canceled order earned", "reverses a
 * received return when it is received").
 */
export default httpSuite({
  title: "commerce fixture",
  register: ({ api, store }) => {
    let fixture: CommerceFixture
    let admin: AdminUser
    let storeHeaders: StoreHeaders

    // The boot's store (runOnOneBoot builds it once, right after the boot): in the
    // snapshot the runner restores before every `it`, so it is in each test.
    beforeAll(() => {
      ;({ fixture, admin, storeHeaders } = store())
    })

    it("sells 2 × 100 EUR to a customer, captures, and refunds 30 %", async () => {
      const { customer, headers } = await registerCustomer(api, storeHeaders, {
        email: "anna@example.com",
        password: "s3cret-pass",
        first_name: "Anna",
      })
      const { customer: adminCustomer } = await get(
        api,
        `/admin/customers/${customer.id}`,
        admin.headers
      )
      expect(adminCustomer.has_account).toBe(true)

      const { order, cart } = await placeOrder(api, storeHeaders, {
        customerHeaders: headers,
        email: customer.email,
        items: [{ variant_id: fixture.expensiveVariantId, quantity: 2 }],
        regionId: fixture.regionId,
        shippingOptionId: fixture.shippingOptionId,
      })

      // 200 items + 10 shipping, 19 % German VAT on both, prices tax-exclusive
      expect(cart.customer_id).toBe(customer.id)
      expect(order.customer_id).toBe(customer.id)
      expect(order.currency_code).toBe("eur")
      expect(order.item_subtotal).toBe(200)
      expect(order.shipping_subtotal).toBe(10)
      expect(order.tax_total).toBeCloseTo(39.9, 2)
      expect(order.total).toBeCloseTo(249.9, 2)

      const captured = await capturePayment(api, admin.headers, order.id)
      expect(captured.captured_at).toBeTruthy()

      const refundAmount = Math.round(order.total * 0.3 * 100) / 100 // 74.97
      const refunded = await refundPayment(api, admin.headers, captured.id, refundAmount)
      expect(refunded.refunds?.map((r) => r.amount)).toEqual([refundAmount])

      const adminOrder = await getAdminOrder(api, admin.headers, order.id)
      // Surprise (Medusa 2.21.2): refundPaymentWorkflow also adds an order credit
      // line (reference "payment_collection") for the refunded amount, so
      // order.total drops to 174.93; the original total stays in the summary.
      expect(adminOrder.summary?.original_order_total).toBeCloseTo(249.9, 2)
      expect(adminOrder.total).toBeCloseTo(249.9 - refundAmount, 2)
      expect(
        (adminOrder.credit_lines ?? []).map((c) => [c.reference, c.amount])
      ).toEqual([["payment_collection", refundAmount]])
      const transactions = (adminOrder.transactions ?? []).map((t) => ({
        reference: t.reference,
        amount: t.amount,
      }))
      expect(transactions).toEqual(
        expect.arrayContaining([
          { reference: "capture", amount: order.total },
          { reference: "refund", amount: -refundAmount },
        ])
      )
      expect(adminOrder.summary?.paid_total).toBeCloseTo(249.9, 2)
      expect(adminOrder.summary?.refunded_total).toBeCloseTo(refundAmount, 2)
    })

    it("starts every test from the beforeAll snapshot (no orders from the previous test)", async () => {
      const { orders } = await get(api, "/admin/orders?fields=id", admin.headers)
      expect(orders).toEqual([])
      const { products } = await get(
        api,
        `/store/products?fields=id,*variants.calculated_price&region_id=${fixture.regionId}`,
        storeHeaders
      )
      expect(products).toHaveLength(1)
    })
  },
})
