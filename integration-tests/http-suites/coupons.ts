import { createStep, createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { createPromotionsWorkflow } from "@medusajs/medusa/core-flows"
import { deleteRewardWorkflow, expireCouponsWorkflow, refundCanceledOrderCouponsWorkflow } from "../../src/workflows/rewards"
import { deleteRewardStep } from "../../src/workflows/rewards/steps/delete-reward"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { IdempotencyKeys } from "../../src/lib/shared/idempotency-keys"
import {
  AdminUser,
  attempt,
  cancelOrder,
  memberWith as memberWithPoints,
  CommerceFixture,
  daysFromNow,
  eventually,
  get,
  GERMAN_ADDRESS,
  ledgerTotals,
  pointsService,
  post,
  StoreHeaders,
} from "../helpers"
import { httpSuite } from "../helpers/one-boot"

/** A workflow that withdraws a reward and then fails: the withdrawal's compensation must bring it back. */
const failAfterDelete = createStep("test-fail-after-delete-reward", async () => {
  throw new Error("test: the step after the delete failed")
})
const deleteRewardThenFail = createWorkflow("test-delete-reward-then-fail", (input: { id: string }) => {
  deleteRewardStep(input)
  failAfterDelete()
  return new WorkflowResponse(null)
})

/**
 * Coupons bought with points: a catalog staff manage, a purchase that a
 * double click makes once, a code only its owner can use, once, and unused
 * coupons that give their points back when they expire.
 */
export default httpSuite({
  title: "coupons",
  // Its orders are the earning reader's test cases (expectEarningReadsAsOrderModule after each test).
  checkOrderReads: true,
  register: ({ api, getContainer, store }) => {
    let fixture: CommerceFixture
    let admin: AdminUser
    let storeHeaders: StoreHeaders

    beforeAll(() => {
      ;({ fixture, admin, storeHeaders } = store())
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

    /** Shipping and payment, so that the cart is ready to complete. */
    async function prepare(cartId: string, headers: Record<string, string>) {
      await post(api, `/store/carts/${cartId}/shipping-methods`, { option_id: fixture.shippingOptionId }, headers)
      const { payment_collection } = await post(api, "/store/payment-collections", { cart_id: cartId }, headers)
      await post(api, `/store/payment-collections/${payment_collection.id}/payment-sessions`, { provider_id: "pp_system_default" }, headers)
    }

    /** Complete a prepared cart; answers the status and body whatever the status. */
    const finish = (cartId: string, headers: Record<string, string>) =>
      attempt(api.post(`/store/carts/${cartId}/complete`, {}, { headers }))

    /** Like `complete`, but answers the status and body whatever the status. */
    async function tryComplete(cartId: string, headers: Record<string, string>) {
      await prepare(cartId, headers)
      return await finish(cartId, headers)
    }

    async function buyCoupon(headers: Record<string, string>, rewardId: string, key: string) {
      const bought = await attempt(
        api.post("/store/loyalty/coupons", { reward_id: rewardId }, { headers: { ...headers, "idempotency-key": key } })
      )
      expect(bought.status).toBe(201)
      return bought.data.coupon as { id: string; code: string }
    }

    /** Let a coupon's date pass now, as time would: the coupon and its promotion's campaign end a minute ago. */
    async function letExpire(couponId: string) {
      const past = new Date(Date.now() - 60_000)
      const [coupon] = await pointsService(getContainer()).listCoupons({ id: couponId })
      const { promotion } = await get(api, `/admin/promotions/${coupon.promotion_id}?fields=id,campaign_id`, admin.headers)
      await post(api, `/admin/campaigns/${promotion.campaign_id}`, { ends_at: past }, admin.headers)
      await pointsService(getContainer()).updateCoupons({ id: couponId, expires_at: past })
    }

    const balanceOf = async (headers: Record<string, string>) =>
      (await get(api, "/store/loyalty/account", headers)).account.balance

    /** A member with 1000 points and a coupon on a cart ready to complete, whose payment the refusing provider refuses. */
    async function couponOnRefusedCheckout(email: string, key: string) {
      await post(api, `/admin/regions/${fixture.regionId}`, { payment_providers: ["pp_system_default", "pp_refusing_refusing"] }, admin.headers)
      const { reward } = await fiveEuroOff()
      const { customer, headers } = await memberWith(email, 1000)
      const coupon = await buyCoupon(headers, reward.id, key)
      const cart = await cartWithCode(headers, coupon.code)
      await post(api, `/store/carts/${cart.id}/shipping-methods`, { option_id: fixture.shippingOptionId }, headers)
      const { payment_collection } = await post(api, "/store/payment-collections", { cart_id: cart.id }, headers)
      await post(api, `/store/payment-collections/${payment_collection.id}/payment-sessions`, { provider_id: "pp_refusing_refusing" }, headers)
      return { customer, headers, cart }
    }

    /** Run `checkout` with the expiry pass (8 days on) running the moment the checkout holds its coupons; answers what the pass did. */
    async function expiryPassWhileHeld(checkout: () => Promise<void>): Promise<{ closed: number; refunded: number } | null> {
      const service = pointsService(getContainer())
      const claim = service.claimCoupons.bind(service)
      let job: { closed: number; refunded: number } | null = null
      const claimSpy = jest.spyOn(service, "claimCoupons").mockImplementation(async (...args) => {
        const claimed = await claim(...args)
        claimSpy.mockRestore()
        job = (await expireCouponsWorkflow(getContainer()).run({ input: { now: daysFromNow(8) } })).result
        return claimed
      })
      try {
        await checkout()
      } finally {
        claimSpy.mockRestore()
      }
      return job
    }

    /**
     * What a purchase leaves behind when the process dies part-way, written
     * through the module as the purchase writes it: the coupon row (under the
     * request's key), then the debit (`debited`), then Medusa's promotion
     * (`promoted`), and never the last step that ties them together.
     */
    async function crashedPurchase(
      customerId: string,
      reward: { id: string; points_cost: number },
      requestKey: string,
      reached: { debited: boolean; promoted: boolean }
    ) {
      const service = pointsService(getContainer())
      const code = `PTS-CRSH-${requestKey.toUpperCase().replace(/[^A-Z2-9]/g, "X").padEnd(4, "X").slice(0, 4)}-TEST`
      const { coupon } = await service.reserveCoupon({
        customer_id: customerId,
        reward_id: reward.id,
        code,
        currency_code: "eur",
        points_spent: reward.points_cost,
        expires_at: daysFromNow(7),
        refund_on_expiry: true,
        idempotency_key: IdempotencyKeys.couponPurchase(customerId, requestKey),
        per_customer_limit: null,
      })
      if (reached.debited) {
        await service.debitPoints({
          customer_id: customerId,
          points: reward.points_cost,
          type: "redeem",
          idempotency_key: IdempotencyKeys.couponRedemption(coupon.id),
          reason: `Coupon ${code}: test`,
          actor_type: "customer",
          actor_id: customerId,
          reference_type: "coupon",
          reference_id: coupon.id,
          currency_code: "eur",
        })
      }
      if (reached.promoted) {
        await createPromotionsWorkflow(getContainer()).run({
          input: {
            promotionsData: [
              {
                code,
                type: "standard",
                status: "active",
                is_automatic: false,
                limit: 1,
                rules: [{ attribute: "customer.id", operator: "eq", values: [customerId] }],
                application_method: { type: "fixed", target_type: "order", allocation: "across", value: 5, currency_code: "eur" },
                metadata: { loyalty_coupon: true, customer_id: customerId, reward_id: reward.id },
              },
            ],
          },
        })
      }
      return coupon
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

    it("answers 404 for a reward that does not exist, from its routes and from the delete workflow; a withdrawal undone by a failing workflow brings the reward back", async () => {
      const { reward } = await fiveEuroOff()
      // One request at a time (each made when awaited: a 404 that nobody awaits yet fails the test run).
      for (const request of [
        () => api.get("/admin/loyalty/rewards/lrwd_missing", { headers: admin.headers }),
        () => api.post("/admin/loyalty/rewards/lrwd_missing", { name: "x" }, { headers: admin.headers }),
        () => api.delete("/admin/loyalty/rewards/lrwd_missing", { headers: admin.headers }),
      ]) {
        const response = await attempt(request())
        expect({ status: response.status, message: response.data.message }).toEqual({
          status: 404,
          message: expect.stringMatching(/lrwd_missing was not found/),
        })
      }
      // A merchant's own code calling the workflow gets the same answer, not a silent success.
      // (a MedusaError from the app's realm: matched by its fields, not as an Error of the test's)
      await expect(deleteRewardWorkflow(getContainer()).run({ input: { id: "lrwd_missing" } })).rejects.toMatchObject({
        type: "not_found",
        message: expect.stringMatching(/lrwd_missing was not found/),
      })
      expect((await get(api, "/admin/loyalty/rewards", admin.headers)).rewards.map((r: { id: string }) => r.id)).toEqual([reward.id])
      // Withdrawn by a workflow that fails later: the compensation restores it.
      const { errors } = await deleteRewardThenFail(getContainer()).run({ input: { id: reward.id }, throwOnError: false })
      expect(errors.map((e) => e.error?.message)).toEqual(["test: the step after the delete failed"])
      expect((await get(api, `/admin/loyalty/rewards/${reward.id}`, admin.headers)).reward).toMatchObject({ id: reward.id })
      expect((await attempt(api.delete(`/admin/loyalty/rewards/${reward.id}`, { headers: admin.headers }))).status).toBe(200)
      expect((await attempt(api.delete(`/admin/loyalty/rewards/${reward.id}`, { headers: admin.headers }))).status).toBe(404)
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

    it("sells the other kinds of reward too, each taken off at checkout: a percentage off the items, free shipping", async () => {
      const { reward: tenPercent } = await post(
        api, "/admin/loyalty/rewards", { name: "10 % off", kind: "percentage", percentage: 10, points_cost: 200 }, admin.headers
      )
      const { reward: freeShipping } = await post(
        api, "/admin/loyalty/rewards", { name: "Free shipping", kind: "free_shipping", points_cost: 100 }, admin.headers
      )
      const member = await memberWith("kinds@example.com", 1000)
      const percent = await buyCoupon(member.headers, tenPercent.id, "kinds-percent")
      const shipping = await buyCoupon(member.headers, freeShipping.id, "kinds-shipping")
      expect(await balanceOf(member.headers)).toBe(700)

      // 10 % off the 100 EUR shirt before VAT: 90 × 1.19.
      const withPercent = await cartWithCode(member.headers, percent.code)
      expect(withPercent.codes).toEqual([percent.code])
      expect(withPercent.total).toBeCloseTo(107.1, 2)

      // Free shipping (applies once the cart has a shipping method): the 10 EUR method costs nothing; the shirt's price stays.
      const { cart: shippingCart } = await post(api, "/store/carts", { region_id: fixture.regionId }, member.headers)
      await post(api, `/store/carts/${shippingCart.id}/line-items`, { variant_id: fixture.expensiveVariantId, quantity: 1 }, member.headers)
      await post(api, `/store/carts/${shippingCart.id}`, { email: member.customer.email, shipping_address: GERMAN_ADDRESS }, member.headers)
      const shipped = await post(api, `/store/carts/${shippingCart.id}/shipping-methods`, { option_id: fixture.shippingOptionId }, member.headers)
      expect(Number(shipped.cart.shipping_total)).toBeGreaterThan(0)
      const { cart } = await post(api, `/store/carts/${shippingCart.id}/promotions`, { promo_codes: [shipping.code] }, member.headers)
      expect(cart.promotions.map((p: { code: string }) => p.code)).toEqual([shipping.code])
      expect(Number(cart.shipping_total)).toBe(0)
      expect(Number(cart.total)).toBeCloseTo(119, 2)
      const { payment_collection } = await post(api, "/store/payment-collections", { cart_id: cart.id }, member.headers)
      await post(api, `/store/payment-collections/${payment_collection.id}/payment-sessions`, { provider_id: "pp_system_default" }, member.headers)
      const done = await post(api, `/store/carts/${cart.id}/complete`, {}, member.headers)
      expect(done.type).toBe("order")
      expect(Number(done.order.shipping_total)).toBe(0)
      expect((await get(api, "/store/loyalty/coupons", member.headers)).coupons).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ code: shipping.code, status: "used" }),
          expect.objectContaining({ code: percent.code, status: "active" }),
        ])
      )
    })

    it("gives back a coupon's points when the order that used it is canceled, once, and not again at its expiry (coupons review)", async () => {
      const { reward } = await fiveEuroOff()
      const member = await memberWith("canceled-coupon@example.com", 1000)
      const coupon = await buyCoupon(member.headers, reward.id, "canceled-coupon")
      expect(await balanceOf(member.headers)).toBe(700)
      const cart = await cartWithCode(member.headers, coupon.code)
      expect(cart.codes).toEqual([coupon.code])
      const done = await complete(cart.id, member.headers)
      expect(done.type).toBe("order")

      await cancelOrder(api, admin.headers, done.order.id)
      await eventually(async () => expect(await balanceOf(member.headers)).toBe(1000))
      const refunds = async () =>
        (await ledgerTotals(getContainer(), member.customer.id))!.entries.filter(
          (entry) => entry.reference_type === "coupon" && entry.type === "restore"
        )
      expect(await refunds()).toEqual([
        expect.objectContaining({
          points: 300,
          reference_id: coupon.id,
          reason: `Coupon ${coupon.code} used on order #${done.order.display_id}, which was canceled: points returned`,
        }),
      ])

      // The event again, and the coupon's expiry: nothing more comes back.
      await refundCanceledOrderCouponsWorkflow(getContainer()).run({ input: { order_id: done.order.id } })
      await letExpire(coupon.id)
      await expireCouponsWorkflow(getContainer()).run({ input: { now: new Date() } })
      expect(await balanceOf(member.headers)).toBe(1000)
      expect(await refunds()).toHaveLength(1)
      const totals = (await ledgerTotals(getContainer(), member.customer.id))!
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
      expect(first.result).toMatchObject({ closed: 2, refunded: 2 })
      const second = await expireCouponsWorkflow(getContainer()).run({ input: { now: daysFromNow(9) } })
      expect(second.result).toMatchObject({ closed: 0, refunded: 0 })
      expect((await get(api, "/store/loyalty/account", headers)).account.balance).toBe(1000)
      const statuses = (await get(api, "/store/loyalty/coupons", headers)).coupons.map((c: { status: string }) => c.status)
      expect(statuses).toEqual(["expired", "expired"])
    })

    it("settles each expired coupon on its own: a deleted member's is not refunded and stops no one else's refund (coupons review, defect 1)", async () => {
      const { reward } = await fiveEuroOff()
      const gone = await memberWith("gone-coupon@example.com", 1000)
      const stays = await memberWith("stays-coupon@example.com", 1000)
      const goneCoupon = await buyCoupon(gone.headers, reward.id, "gone")
      const staysCoupon = await buyCoupon(stays.headers, reward.id, "stays")
      expect(await balanceOf(stays.headers)).toBe(700)

      // A is deleted: the customer.deleted subscriber closes the account (its points forfeited with it).
      await api.delete(`/admin/customers/${gone.customer.id}`, { headers: admin.headers })
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      await eventually(async () =>
        expect((await knex("loyalty_account").where({ customer_id: gone.customer.id }).first()).deleted_at).not.toBeNull()
      )
      // A's coupon comes first in the pass (it expired first).
      await letExpire(goneCoupon.id)
      await letExpire(staysCoupon.id)

      const refundsOf = async (couponId: string) =>
        await knex("loyalty_entry").where({ idempotency_key: IdempotencyKeys.couponRefund(couponId) })
      const first = await expireCouponsWorkflow(getContainer()).run({ input: { now: new Date() } })
      expect(first.result).toMatchObject({ closed: 2, refunded: 1 })
      expect(await balanceOf(stays.headers)).toBe(1000)
      expect(await refundsOf(goneCoupon.id)).toEqual([])
      expect(await refundsOf(staysCoupon.id)).toHaveLength(1)

      const second = await expireCouponsWorkflow(getContainer()).run({ input: { now: new Date() } })
      expect(second.result).toMatchObject({ closed: 0, refunded: 0 })
      expect(await balanceOf(stays.headers)).toBe(1000)
      expect(await refundsOf(goneCoupon.id)).toEqual([])
      const totals = (await ledgerTotals(getContainer(), stays.customer.id))!
      expect(totals.cached).toEqual(totals.ledger)
      expect(totals.lots).toBe(1000)
    })

    it("leaves a coupon whose refund failed open for the next pass, and refunds the others (coupons review, defect 1)", async () => {
      const { reward } = await fiveEuroOff()
      const first = await memberWith("refund-fails@example.com", 1000)
      const second = await memberWith("refund-works@example.com", 1000)
      const failing = await buyCoupon(first.headers, reward.id, "fails")
      await buyCoupon(second.headers, reward.id, "works")
      const service = pointsService(getContainer())
      const refund = service.refundCoupon.bind(service)
      // The first coupon's refund fails once (a lock timeout, say); the other's works.
      const spy = jest.spyOn(service, "refundCoupon").mockImplementation(async (...args) => {
        if (args[0].id !== failing.id) return await refund(...args)
        spy.mockRestore()
        throw new Error("test: the refund failed")
      })
      let pass: { closed: number; refunded: number }
      try {
        pass = (await expireCouponsWorkflow(getContainer()).run({ input: { now: daysFromNow(8) } })).result
      } finally {
        spy.mockRestore()
      }
      expect(pass).toMatchObject({ closed: 1, refunded: 1 })
      expect(await balanceOf(second.headers)).toBe(1000)
      expect(await balanceOf(first.headers)).toBe(700)
      const [open] = await service.listCoupons({ id: failing.id })
      expect(open.expired_at).toBeNull()

      const next = await expireCouponsWorkflow(getContainer()).run({ input: { now: daysFromNow(9) } })
      expect(next.result).toMatchObject({ closed: 1, refunded: 1 })
      expect(await balanceOf(first.headers)).toBe(1000)
    })

    it("gives a refunded coupon's points back with the expiry dates they had, not a fresh period (coupons review, defect 2)", async () => {
      const { reward } = await fiveEuroOff()
      const { customer, headers } = await memberWith("expiring-soon@example.com", 300)
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      const account = await knex("loyalty_account").where({ customer_id: customer.id }).whereNull("deleted_at").first()
      // All of the member's points expire in 10 days.
      const soon = daysFromNow(10)
      await knex("loyalty_lot").where({ account_id: account.id }).update({ expires_at: soon })

      await buyCoupon(headers, reward.id, "soon")
      expect(await balanceOf(headers)).toBe(0)
      // The 7-day coupon lapses unused; the pass runs at day 8.
      const pass = await expireCouponsWorkflow(getContainer()).run({ input: { now: daysFromNow(8) } })
      expect(pass.result).toMatchObject({ closed: 1, refunded: 1 })
      expect(await balanceOf(headers)).toBe(300)

      const open = await knex("loyalty_lot").where({ account_id: account.id }).where("remaining", ">", 0)
      expect(open.reduce((sum: number, lot: { remaining: number }) => sum + lot.remaining, 0)).toBe(300)
      expect(open.map((lot: { expires_at: Date | null }) => lot.expires_at && new Date(lot.expires_at).toISOString())).toEqual(
        open.map(() => soon.toISOString())
      )
      const totals = (await ledgerTotals(getContainer(), customer.id))!
      expect(totals.cached).toEqual(totals.ledger)
    })

    it("refunds an expired coupon on the terms it was bought with, whatever the reward says now (coupons review, defect 3)", async () => {
      const { reward } = await fiveEuroOff()
      const { headers } = await memberWith("kept-terms@example.com", 1000)
      const coupon = await buyCoupon(headers, reward.id, "kept-terms")
      expect(await balanceOf(headers)).toBe(700)

      // Staff stop refunds for coupons sold from now on.
      const { reward: changed } = await post(api, `/admin/loyalty/rewards/${reward.id}`, { refund_on_expiry: false }, admin.headers)
      expect(changed.refund_on_expiry).toBe(false)
      await letExpire(coupon.id)
      const pass = await expireCouponsWorkflow(getContainer()).run({ input: { now: new Date() } })
      expect(pass.result).toMatchObject({ closed: 1, refunded: 1 })
      expect(await balanceOf(headers)).toBe(1000)
    })

    it("refuses at completion a coupon that expired, was closed or was used after it was put on a cart (issue 12, defect 3)", async () => {
      const { reward } = await fiveEuroOff()
      const { customer, headers } = await memberWith("late@example.com", 1000)

      // Each cart is ready to complete (shipping, payment) while its coupon is still good.
      // Expired by date while on the cart (the expiry job has not run yet).
      const dated = await buyCoupon(headers, reward.id, "dated")
      const datedCart = await cartWithCode(headers, dated.code)
      expect(datedCart.codes).toEqual([dated.code])
      await prepare(datedCart.id, headers)
      await letExpire(dated.id)
      const refusedDated = await finish(datedCart.id, headers)
      expect(refusedDated.status).toBe(400)
      expect(refusedDated.data.message).toBe(`Coupon ${dated.code} has expired: remove it from the cart`)

      // Closed by the expiry job (points refunded) while on the cart.
      const closed = await buyCoupon(headers, reward.id, "closed")
      const closedCart = await cartWithCode(headers, closed.code)
      expect(closedCart.codes).toEqual([closed.code])
      await prepare(closedCart.id, headers)
      const job = await expireCouponsWorkflow(getContainer()).run({ input: { now: daysFromNow(8) } })
      expect(job.result).toMatchObject({ closed: 2, refunded: 2 })
      expect(await balanceOf(headers)).toBe(1000)
      const refusedClosed = await finish(closedCart.id, headers)
      expect(refusedClosed.status).toBe(400)
      expect(refusedClosed.data.message).toBe(`Coupon ${closed.code} has expired: remove it from the cart`)
      expect(await balanceOf(headers)).toBe(1000)
      expect((await get(api, "/store/orders", headers)).orders).toEqual([])

      // Used on one cart while also sitting on another (a second reward: two coupons is the limit per reward).
      const { reward: again } = await fiveEuroOff()
      const once = await buyCoupon(headers, again.id, "once")
      const first = await cartWithCode(headers, once.code)
      const second = await cartWithCode(headers, once.code)
      await prepare(second.id, headers)
      expect((await complete(first.id, headers)).type).toBe("order")
      const refusedUsed = await finish(second.id, headers)
      expect(refusedUsed.status).toBe(400)
      expect(refusedUsed.data.message).toBe(`Coupon ${once.code} has already been used: remove it from the cart`)
      expect((await get(api, "/store/orders", headers)).orders).toHaveLength(1)
      const totals = (await ledgerTotals(getContainer(), customer.id))!
      expect(totals.cached).toEqual(totals.ledger)
      expect(totals.cached.balance).toBe(700)
    })

    it("never both refunds a coupon and lets a checkout in progress use it, whichever comes first (issue 12, defect 3)", async () => {
      const { reward } = await fiveEuroOff()
      const { headers } = await memberWith("racing@example.com", 1000)

      // The expiry job runs while the checkout holds the coupon: the checkout uses it, the job refunds nothing.
      const held = await buyCoupon(headers, reward.id, "held")
      const heldCart = await cartWithCode(headers, held.code)
      const job = await expiryPassWhileHeld(async () => {
        expect((await complete(heldCart.id, headers)).type).toBe("order")
      })
      expect(job).toMatchObject({ closed: 1, refunded: 0 })
      expect(await balanceOf(headers)).toBe(700)
      expect((await get(api, "/store/loyalty/coupons", headers)).coupons[0].status).toBe("used")

      // The job closes and refunds first: the checkout that comes after is refused.
      const late = await buyCoupon(headers, reward.id, "late")
      const lateCart = await cartWithCode(headers, late.code)
      expect((await expireCouponsWorkflow(getContainer()).run({ input: { now: daysFromNow(8) } })).result).toMatchObject({
        closed: 1,
        refunded: 1,
      })
      const refused = await tryComplete(lateCart.id, headers)
      expect(refused.status).toBe(400)
      expect(refused.data.message).toMatch(/has expired/)
      expect(await balanceOf(headers)).toBe(700)
    })

    it("lets only the logged-in owner use a coupon: refused on a guest cart that carries the owner's email (issue 12, defect 9)", async () => {
      const { reward } = await fiveEuroOff()
      const owner = await memberWith("guest-email@example.com", 1000)
      const coupon = await buyCoupon(owner.headers, reward.id, "guest")

      // A guest cart with the owner's email: Medusa attaches it to the owner's customer.
      const { cart } = await post(api, "/store/carts", { region_id: fixture.regionId }, storeHeaders)
      await post(api, `/store/carts/${cart.id}/line-items`, { variant_id: fixture.expensiveVariantId, quantity: 1 }, storeHeaders)
      const { cart: attached } = await post(
        api,
        `/store/carts/${cart.id}`,
        { email: "guest-email@example.com", shipping_address: GERMAN_ADDRESS },
        storeHeaders
      )
      expect(attached.customer_id).toBe(owner.customer.id)
      const refused = await attempt(
        api.post(`/store/carts/${cart.id}/promotions`, { promo_codes: [coupon.code] }, { headers: storeHeaders })
      )
      expect(refused.status).toBe(400)
      expect(refused.data.message).toBe(`Coupon ${coupon.code} can only be used by its owner, logged in`)
      const { cart: unchanged } = await get(api, `/store/carts/${cart.id}`, storeHeaders)
      expect(unchanged.promotions).toEqual([])
      expect(Number(unchanged.total)).toBeCloseTo(119, 2)

      // Nor through the cart's own routes, which take `promo_codes` with the email in one request.
      const byUpdate = await attempt(
        api.post(`/store/carts/${cart.id}`, { email: "guest-email@example.com", promo_codes: [coupon.code] }, { headers: storeHeaders })
      )
      expect(byUpdate.status).toBe(400)
      expect(byUpdate.data.message).toBe(`Coupon ${coupon.code} can only be used by its owner, logged in`)
      const byCreate = await attempt(
        api.post(
          "/store/carts",
          { region_id: fixture.regionId, email: "guest-email@example.com", promo_codes: [coupon.code], items: [{ variant_id: fixture.expensiveVariantId, quantity: 1 }] },
          { headers: storeHeaders }
        )
      )
      expect(byCreate.status).toBe(400)
      expect(byCreate.data.message).toBe(`Coupon ${coupon.code} can only be used by its owner, logged in`)
      expect((await get(api, `/store/carts/${cart.id}`, storeHeaders)).cart.promotions).toEqual([])
      // The owner may send it that way.
      const { cart: ownCart } = await post(
        api, "/store/carts", { region_id: fixture.regionId, promo_codes: [coupon.code], items: [{ variant_id: fixture.expensiveVariantId, quantity: 1 }] }, owner.headers
      )
      expect(ownCart.promotions.map((p: { code: string }) => p.code)).toEqual([coupon.code])

      // The owner puts it on their own cart; a guest holding that cart id cannot complete it.
      const mine = await cartWithCode(owner.headers, coupon.code)
      expect(mine.codes).toEqual([coupon.code])
      const asGuest = await tryComplete(mine.id, storeHeaders)
      expect(asGuest.status).toBe(400)
      expect(asGuest.data.message).toBe(`Coupon ${coupon.code} can only be used by its owner, logged in`)

      // The logged-in owner completes it, with the discount.
      const done = await complete(mine.id, owner.headers)
      expect(done.type).toBe("order")
      expect(Number(done.order.discount_total)).toBeGreaterThan(0)
      expect(Number(done.order.total)).toBeCloseTo(mine.total + Number(done.order.shipping_total), 2)
      expect((await get(api, "/store/loyalty/coupons", owner.headers)).coupons[0].status).toBe("used")
    })

    it("settles a purchase the process died in: refunds points debited for a coupon that never got its promotion, once; finishes one whose promotion was made (coupons review 2, defect 1)", async () => {
      const { reward } = await fiveEuroOff()
      const { customer, headers } = await memberWith("crashed@example.com", 1000)
      const paidOnly = await crashedPurchase(customer.id, reward, "paid-only", { debited: true, promoted: false })
      const promoted = await crashedPurchase(customer.id, reward, "promoted", { debited: true, promoted: true })
      const reservedOnly = await crashedPurchase(customer.id, reward, "reserved-only", { debited: false, promoted: false })
      expect(await balanceOf(headers)).toBe(400)

      // A purchase that may still be running is left alone, shown as pending, and its replay asked to wait.
      await expireCouponsWorkflow(getContainer()).run({ input: { now: new Date() } })
      expect(await balanceOf(headers)).toBe(400)
      expect((await get(api, "/store/loyalty/coupons", headers)).coupons.map((c: { status: string }) => c.status)).toEqual([
        "pending",
        "pending",
        "pending",
      ])
      const running = await attempt(
        api.post("/store/loyalty/coupons", { reward_id: reward.id }, { headers: { ...headers, "idempotency-key": "paid-only" } })
      )
      expect(running.status).toBe(409)

      // An hour later none of them can still be running: the pass settles them.
      const later = new Date(Date.now() + 60 * 60_000)
      const pass = await expireCouponsWorkflow(getContainer()).run({ input: { now: later } })
      expect(pass.result.unfinished).toEqual({ finished: 1, refunded: 1, dropped: 1 })
      expect(await balanceOf(headers)).toBe(700)
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      const givenBack = async () =>
        (await ledgerTotals(getContainer(), customer.id))!.entries.filter((entry) => entry.points > 0 && entry.type === "restore")
      expect(await givenBack()).toHaveLength(1)
      const coupons = (await get(api, "/store/loyalty/coupons", headers)).coupons
      expect(coupons).toEqual([expect.objectContaining({ id: promoted.id, code: promoted.code, status: "active" })])
      const [finished] = await pointsService(getContainer()).listCoupons({ id: promoted.id })
      expect(finished.promotion_id).toEqual(expect.any(String))
      expect(finished.entry_id).toEqual(expect.any(String))
      expect(await knex("loyalty_coupon").whereIn("id", [paidOnly.id, reservedOnly.id]).whereNull("deleted_at")).toEqual([])

      // A replay of the dead request says what became of it, and the next pass changes nothing.
      const replay = await attempt(
        api.post("/store/loyalty/coupons", { reward_id: reward.id }, { headers: { ...headers, "idempotency-key": "paid-only" } })
      )
      expect(replay.status).toBe(400)
      expect(replay.data.message).toMatch(/did not complete and its points were given back/)
      await expireCouponsWorkflow(getContainer()).run({ input: { now: new Date(later.getTime() + 60_000) } })
      expect(await balanceOf(headers)).toBe(700)
      expect(await givenBack()).toHaveLength(1)
      const totals = (await ledgerTotals(getContainer(), customer.id))!
      expect(totals.cached).toEqual(totals.ledger)
      expect(totals.lots).toBe(700)
    })

    it("tells the member of a coupon whose dead purchase the pass finished, once: the coupon-issued message a purchase sends", async () => {
      const { reward } = await fiveEuroOff()
      const { customer } = await memberWith("crashed-told@example.com", 1000)
      const promoted = await crashedPurchase(customer.id, reward, "told", { debited: true, promoted: true })
      const messages = () =>
        getContainer().resolve(Modules.NOTIFICATION).listNotifications({ receiver_id: customer.id, template: "loyalty-coupon-issued" })
      expect(await messages()).toEqual([])

      const later = new Date(Date.now() + 60 * 60_000)
      const pass = await expireCouponsWorkflow(getContainer()).run({ input: { now: later } })
      expect(pass.result.unfinished).toEqual({ finished: 1, refunded: 0, dropped: 0 })
      await eventually(async () =>
        expect((await messages()).map((message) => message.data)).toEqual([
          expect.objectContaining({ code: promoted.code, points: 300, reward_name: reward.name }),
        ])
      )

      // The next pass finds nothing unfinished and says nothing again.
      const next = await expireCouponsWorkflow(getContainer()).run({ input: { now: new Date(later.getTime() + 60_000) } })
      expect(next.result.unfinished).toEqual({ finished: 0, refunded: 0, dropped: 0 })
      expect(await messages()).toHaveLength(1)
    })

    it("answers a replayed purchase with the coupon bought, also once staff have switched the reward off or deleted it; a new key is refused", async () => {
      const { reward } = await fiveEuroOff()
      const { headers } = await memberWith("replay-withdrawn@example.com", 1000)
      const buy = (key: string) =>
        attempt(api.post("/store/loyalty/coupons", { reward_id: reward.id }, { headers: { ...headers, "idempotency-key": key } }))
      const coupon = await buyCoupon(headers, reward.id, "withdrawn-1")

      // Switched off: the shopper's retry of the purchase that went through gets its coupon; a new purchase is refused.
      await post(api, `/admin/loyalty/rewards/${reward.id}`, { is_active: false }, admin.headers)
      const replayed = await buy("withdrawn-1")
      expect(replayed.status).toBe(200)
      expect(replayed.data.coupon).toMatchObject({ id: coupon.id, code: coupon.code, status: "active", reward_name: "5 EUR off" })
      expect((await buy("withdrawn-2")).status).toBe(400)

      // Deleted: the same.
      await api.delete(`/admin/loyalty/rewards/${reward.id}`, { headers: admin.headers })
      const again = await buy("withdrawn-1")
      expect(again.status).toBe(200)
      expect(again.data.coupon).toMatchObject({ id: coupon.id, status: "active" })
      expect((await buy("withdrawn-3")).status).toBe(404)
      expect(await balanceOf(headers)).toBe(700)
    })

    it("answers a replayed purchase with the coupon as it is now, refuses the key for another reward, and lets a key whose first attempt failed buy (coupons review 2, defect 2)", async () => {
      const { reward } = await fiveEuroOff()
      const { reward: other } = await post(
        api, "/admin/loyalty/rewards", { name: "Free shipping", kind: "free_shipping", points_cost: 100 }, admin.headers
      )
      const { customer, headers } = await memberWith("replay@example.com", 350)
      const coupon = await buyCoupon(headers, reward.id, "replay-1")
      const cart = await cartWithCode(headers, coupon.code)
      expect((await complete(cart.id, headers)).type).toBe("order")

      const buy = (rewardId: string, key: string) =>
        attempt(api.post("/store/loyalty/coupons", { reward_id: rewardId }, { headers: { ...headers, "idempotency-key": key } }))
      const replay = await buy(reward.id, "replay-1")
      expect(replay.status).toBe(200)
      expect(replay.data.coupon).toMatchObject({ id: coupon.id, status: "used" })

      const otherReward = await buy(other.id, "replay-1")
      expect(otherReward.status).toBe(400)
      expect(otherReward.data.message).toMatch(/already used to buy another reward/)
      expect(await balanceOf(headers)).toBe(50)

      // A first attempt that failed (not enough points) leaves the key free for the retry.
      const failed = await buy(other.id, "replay-2")
      expect(failed.status).toBe(400)
      await post(api, `/admin/loyalty/accounts/${customer.id}/adjustments`, { points: 100, reason: "test top-up" }, admin.headers)
      const retried = await buy(other.id, "replay-2")
      expect(retried.status).toBe(201)
      expect(retried.data.coupon).toMatchObject({ reward_id: other.id, status: "active" })
      expect(await balanceOf(headers)).toBe(50)
    })

    it("refunds a coupon the expiry pass closed while a failed checkout held it, even if that checkout dies right after letting go of it (coupons review 2, defect 3)", async () => {
      const { customer, headers, cart } = await couponOnRefusedCheckout("held-refund@example.com", "held-refund")
      const service = pointsService(getContainer())
      const release = service.releaseCouponClaims.bind(service)
      // The payment is refused; the checkout lets go of the coupon, and the process dies right after.
      const releaseSpy = jest.spyOn(service, "releaseCouponClaims").mockImplementation(async (...args) => {
        await release(...args)
        releaseSpy.mockRestore()
        throw new Error("test: the process died after letting go of the coupon")
      })
      let job: { closed: number; refunded: number } | null = null
      try {
        // The expiry pass runs while the checkout holds the coupon: it closes it and refunds nothing.
        job = await expiryPassWhileHeld(async () => {
          const failed = await finish(cart.id, headers)
          expect(failed.data.type).not.toBe("order")
        })
      } finally {
        releaseSpy.mockRestore()
      }
      expect(job).toMatchObject({ closed: 1, refunded: 0 })

      // The next pass gives the points back, once.
      await expireCouponsWorkflow(getContainer()).run({ input: { now: daysFromNow(9) } })
      expect(await balanceOf(headers)).toBe(1000)
      await expireCouponsWorkflow(getContainer()).run({ input: { now: daysFromNow(10) } })
      expect(await balanceOf(headers)).toBe(1000)
      const totals = (await ledgerTotals(getContainer(), customer.id))!
      expect(totals.cached).toEqual(totals.ledger)
    })

    it("refunds at once a coupon the expiry pass closed while a failed checkout held it, when that checkout lets go of it, and not again at the next pass", async () => {
      const { customer, headers, cart } = await couponOnRefusedCheckout("held-released@example.com", "held-released")
      // The expiry pass runs while the checkout holds the coupon: it closes it and refunds nothing.
      const job = await expiryPassWhileHeld(async () => {
        const failed = await finish(cart.id, headers)
        expect(failed.data.type).not.toBe("order")
      })
      expect(job).toMatchObject({ closed: 1, refunded: 0 })
      // The payment is refused; letting go of the coupon settles it as the pass would have.
      expect(await balanceOf(headers)).toBe(1000)
      expect((await expireCouponsWorkflow(getContainer()).run({ input: { now: daysFromNow(9) } })).result).toMatchObject({
        closed: 0,
        refunded: 0,
      })
      expect(await balanceOf(headers)).toBe(1000)
      const totals = (await ledgerTotals(getContainer(), customer.id))!
      expect(totals.cached).toEqual(totals.ledger)
    })
  },
})
