import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { expireCouponsWorkflow } from "../../src/workflows/rewards"
import {
  AdminUser,
  attempt,
  memberWith as memberWithPoints,
  CommerceFixture,
  createAdminUser,
  createPublishableKey,
  daysFromNow,
  get,
  GERMAN_ADDRESS,
  ledgerTotals,
  post,
  setupCommerce,
  StoreHeaders,
} from "../helpers"

jest.setTimeout(180_000)

/**
 * Coupons bought with points: a catalog staff manage, a purchase that a
 * double click makes once, a code only its owner can use, once, and unused
 * coupons that give their points back when they expire.
 */
medusaIntegrationTestRunner({
  inApp: true,
  env: { MEDUSA_DISABLE_TELEMETRY: "true" },
  testSuite: ({ api, getContainer }) => {
    let fixture: CommerceFixture
    let admin: AdminUser
    let storeHeaders: StoreHeaders

    beforeAll(async () => {
      const container = getContainer()
      fixture = await setupCommerce(container)
      admin = await createAdminUser(container)
      ;({ storeHeaders } = await createPublishableKey(container))
    })

    const memberWith = (email: string, balance: number) =>
      memberWithPoints(api, storeHeaders, admin.headers, email, balance)

    const fiveEuroOff = () =>
      post(
        api,
        "/admin/loyalty/rewards",
        {
          name: "5 EUR off",
          kind: "fixed_amount",
          amounts: { EUR: 5 },
          points_cost: 300,
          per_customer_limit: 2,
          valid_days: 7,
          refund_on_expiry: true,
        },
        admin.headers
      )

    /** A cart of one 100 EUR shirt with a code applied; returns the cart's total and the applied codes. */
    async function cartWithCode(headers: Record<string, string>, code: string) {
      const { cart } = await post(api, "/store/carts", { region_id: fixture.regionId }, headers)
      await post(api, `/store/carts/${cart.id}/line-items`, { variant_id: fixture.expensiveVariantId, quantity: 1 }, headers)
      await post(api, `/store/carts/${cart.id}`, { email: "buyer@example.com", shipping_address: GERMAN_ADDRESS }, headers)
      const withCode = await post(api, `/store/carts/${cart.id}/promotions`, { promo_codes: [code] }, headers)
      return {
        id: cart.id as string,
        total: Number(withCode.cart.total),
        codes: (withCode.cart.promotions ?? []).map((p: { code: string }) => p.code),
      }
    }

    async function complete(cartId: string, headers: Record<string, string>) {
      await post(api, `/store/carts/${cartId}/shipping-methods`, { option_id: fixture.shippingOptionId }, headers)
      const { payment_collection } = await post(api, "/store/payment-collections", { cart_id: cartId }, headers)
      await post(api, `/store/payment-collections/${payment_collection.id}/payment-sessions`, { provider_id: "pp_system_default" }, headers)
      return await post(api, `/store/carts/${cartId}/complete`, {}, headers)
    }

    it("checks rewards so that Medusa promotions can enforce them", async () => {
      const cases: [unknown, RegExp][] = [
        [{ name: "x", kind: "percentage", percentage: 150, points_cost: 10 }, /percentage must be between 0 and 100/],
        [{ name: "x", kind: "fixed_amount", points_cost: 10 }, /needs an amount per currency/],
        [{ name: "x", kind: "fixed_amount", amounts: { euro: 5 }, points_cost: 10 }, /"euro" is not a 3-letter currency code/],
        [{ name: "x", kind: "free_shipping", points_cost: 0 }, /points_cost/],
        [{ name: "x", kind: "free_shipping", points_cost: 10, cap: 5 }, /cap/],
      ]
      for (const [body, message] of cases) {
        const response = await attempt(api.post("/admin/loyalty/rewards", body, { headers: admin.headers }))
        expect({ body, status: response.status, message: response.data.message }).toEqual({
          body,
          status: 400,
          message: expect.stringMatching(message),
        })
      }
      const { reward } = await fiveEuroOff()
      const bad = await attempt(
        api.post(`/admin/loyalty/rewards/${reward.id}`, { kind: "percentage" }, { headers: admin.headers })
      )
      expect(bad.status).toBe(400)
      expect(bad.data.message).toMatch(/percentage must be between/)
      expect((await get(api, "/admin/loyalty/rewards", admin.headers)).rewards).toHaveLength(1)
    })

    it("sells one coupon for a double-clicked purchase, usable once and only by its owner", async () => {
      const { reward } = await fiveEuroOff()
      const owner = await memberWith("owner@example.com", 1000)
      const stranger = await memberWith("stranger@example.com", 1000)

      const { rewards } = await get(api, "/store/loyalty/rewards", storeHeaders)
      expect(rewards).toEqual([expect.objectContaining({ id: reward.id, points_cost: 300, kind: "fixed_amount" })])

      const headers = { ...owner.headers, "idempotency-key": "click-1" }
      const clicks = await Promise.all([
        attempt(api.post("/store/loyalty/coupons", { reward_id: reward.id }, { headers })),
        attempt(api.post("/store/loyalty/coupons", { reward_id: reward.id }, { headers })),
      ])
      expect(clicks.map((c) => c.status).sort()).toEqual([200, 201])
      expect(clicks[0].data.coupon.id).toBe(clicks[1].data.coupon.id)
      const { code } = clicks[0].data.coupon
      expect(code).toMatch(/^PTS-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/)
      expect((await get(api, "/store/loyalty/account", owner.headers)).account.balance).toBe(700)
      expect((await get(api, "/store/loyalty/coupons", owner.headers)).coupons).toEqual([
        expect.objectContaining({ code, status: "active", points_spent: 300, reward_name: "5 EUR off" }),
      ])

      // Someone else's cart: Medusa skips the code, nothing is discounted.
      const foreign = await cartWithCode(stranger.headers, code)
      expect(foreign.codes).toEqual([])
      expect(foreign.total).toBeCloseTo(119, 2)

      const mine = await cartWithCode(owner.headers, code)
      expect(mine.codes).toEqual([code])
      // 5 EUR off the 100 EUR price before VAT (prices here exclude tax): (100 − 5) × 1.19.
      expect(mine.total).toBeCloseTo(113.05, 2)
      const done = await complete(mine.id, owner.headers)
      expect(done.type).toBe("order")
      expect((await get(api, "/store/loyalty/coupons", owner.headers)).coupons[0].status).toBe("used")

      const again = await cartWithCode(owner.headers, code)
      expect(again.codes).toEqual([])
      expect(again.total).toBeCloseTo(119, 2)

      const totals = (await ledgerTotals(getContainer(), owner.customer.id))!
      expect(totals.cached).toEqual(totals.ledger)
    })

    it("holds the per-customer limit and refunds unused coupons once when they expire", async () => {
      const { reward } = await fiveEuroOff()
      const { headers } = await memberWith("collector@example.com", 1000)
      const buy = (key: string) =>
        attempt(api.post("/store/loyalty/coupons", { reward_id: reward.id }, { headers: { ...headers, "idempotency-key": key } }))

      expect((await buy("a")).status).toBe(201)
      expect((await buy("b")).status).toBe(201)
      const third = await buy("c")
      expect(third.status).toBe(400)
      expect(third.data.message).toBe("You already have the maximum of 2 coupon(s) for this reward")
      expect((await get(api, "/store/loyalty/account", headers)).account.balance).toBe(400)

      const unknown = await attempt(
        api.post("/store/loyalty/coupons", { reward_id: "lrwd_nope" }, { headers: { ...headers, "idempotency-key": "d" } })
      )
      expect(unknown.status).toBe(404)
      const poor = await memberWith("poor@example.com", 100)
      const refused = await attempt(
        api.post("/store/loyalty/coupons", { reward_id: reward.id }, { headers: { ...poor.headers, "idempotency-key": "e" } })
      )
      expect(refused.status).toBe(400)
      expect(refused.data.message).toMatch(/Not enough points/)
      expect((await get(api, "/store/loyalty/coupons", poor.headers)).coupons).toEqual([])

      const first = await expireCouponsWorkflow(getContainer()).run({ input: { now: daysFromNow(8) } })
      expect(first.result).toEqual({ closed: 2, refunded: 2 })
      const second = await expireCouponsWorkflow(getContainer()).run({ input: { now: daysFromNow(9) } })
      expect(second.result).toEqual({ closed: 0, refunded: 0 })
      expect((await get(api, "/store/loyalty/account", headers)).account.balance).toBe(1000)
      const statuses = (await get(api, "/store/loyalty/coupons", headers)).coupons.map((c: { status: string }) => c.status)
      expect(statuses).toEqual(["expired", "expired"])
    })
  },
})
