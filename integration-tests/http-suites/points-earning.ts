import { createOrderWorkflow } from "@medusajs/medusa/core-flows"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { LoyaltyEvents, PointsReleasedEventData } from "../../src/lib/shared/events"
import awardPointsOnOrderPlaced from "../../src/subscribers/order-placed"
import {
  awardOrderPointsWorkflow,
  closeCustomerAccountWorkflow,
  releaseOrderPointsWorkflow,
  releasePendingPointsWorkflow,
  reverseOrderPointsWorkflow,
} from "../../src/workflows/points"
import {
  AdminUser,
  attempt,
  cancelOrder,
  capturePayment,
  CommerceFixture,
  countTransactions,
  daysFromNow,
  eventually,
  get,
  ledgerTotals,
  placeOrder,
  pointsService,
  post,
  registerCustomer,
  StoreHeaders,
  subscribersDone,
} from "../helpers"
import { httpSuite } from "../helpers/one-boot"

/**
 * Earning on real orders: a registered shopper's checkout earns pending
 * points that the release job makes spendable; redelivered and lost
 * `order.placed` events award exactly once; guests and staff-created
 * customers earn nothing.
 *
 * medusa-config.ts gives the test store: 1 point per EUR, no USD rate,
 * 14-day return window, 12-month expiry, 50-point sign-up bonus.
 */
export default httpSuite({
  title: "points earning",
  register: ({ api, getContainer, store }) => {
    let fixture: CommerceFixture
    let admin: AdminUser
    let storeHeaders: StoreHeaders

    beforeAll(() => {
      ;({ fixture, admin, storeHeaders } = store())
    })

    const member = async (email: string) => {
      const registered = await registerCustomer(api, storeHeaders, { email })
      // The sign-up bonus arrives through `customer.created`.
      await eventually(async () => {
        const { account } = await get(api, "/store/loyalty/account", registered.headers)
        expect(account.balance).toBe(50)
      })
      return registered
    }

    /** 2 × 100 EUR + 10 EUR shipping, 19 % VAT on both: 249.90 EUR paid, 200 EUR of items. */
    const buyTwoShirts = (email: string, customerHeaders?: Record<string, string>) =>
      placeOrder(api, storeHeaders, {
        customerHeaders,
        email,
        items: [{ variant_id: fixture.expensiveVariantId, quantity: 2 }],
        regionId: fixture.regionId,
        shippingOptionId: fixture.shippingOptionId,
      })

    it("shows a registered shopper's order as pending points, released after the return window", async () => {
      const { customer, headers } = await member("mia@example.com")
      const { order } = await buyTwoShirts(customer.email, headers)
      expect(Number(order.total)).toBeCloseTo(249.9, 2)

      const { account } = await eventually(async () => {
        const body = await get(api, "/store/loyalty/account", headers)
        expect(body.account.pending).toBe(200)
        return body
      })
      expect(account).toMatchObject({ balance: 50, pending: 200, debt: 0, lifetime_earned: 50 })

      // Not yet: the return window (14 days) is still open.
      await releasePendingPointsWorkflow(getContainer()).run({ input: { now: daysFromNow(13) } })
      expect((await get(api, "/store/loyalty/account", headers)).account).toMatchObject({ balance: 50, pending: 200 })

      await releasePendingPointsWorkflow(getContainer()).run({ input: { now: daysFromNow(15) } })
      const released = (await get(api, "/store/loyalty/account", headers)).account
      expect(released).toMatchObject({ balance: 250, pending: 0, lifetime_earned: 250 })
      // Released points expire 12 months after release; the sign-up bonus 12 months after sign-up.
      expect(released.next_expiry.points).toBe(50)

      const { entries, has_more } = await get(api, "/store/loyalty/account/entries?limit=10", headers)
      expect(has_more).toBe(false)
      expect(entries.map((e: { type: string }) => e.type)).toEqual(["release", "pending", "earn"])
      const [release, pending, welcome] = entries
      expect(pending).toMatchObject({
        points: 200,
        order_id: order.id,
        reason: `Order #${order.display_id}: 200 EUR × 1`,
        program_version: 0,
        currency_code: "eur",
      })
      expect(pending.details).toMatchObject({ items_net: 200, eligible_amount: 200, rate: 1, total_after_points: 249.9 })
      expect(release).toMatchObject({ points: 200, order_id: order.id, reason: "Return window ended" })
      expect(welcome).toMatchObject({ points: 50, reason: "Welcome bonus for creating an account" })
      // Internal keys and staff ids stay on the server.
      expect(pending).not.toHaveProperty("idempotency_key")

      // Running the job again changes nothing.
      await releasePendingPointsWorkflow(getContainer()).run({ input: { now: daysFromNow(16) } })
      expect((await get(api, "/store/loyalty/account", headers)).account.balance).toBe(250)
    })

    it("a release of a member who was never referred says so in its event, and no referral is read for it (issue 15)", async () => {
      const container = getContainer()
      const { customer, headers } = await member("never-referred@example.com")
      const { order } = await buyTwoShirts(customer.email, headers)
      await eventually(async () => expect((await get(api, "/store/loyalty/account", headers)).account.pending).toBe(200))

      const heard: PointsReleasedEventData[] = []
      const eventBus = container.resolve(Modules.EVENT_BUS)
      const listen = async (event: { data: unknown }) => {
        heard.push(event.data as PointsReleasedEventData)
      }
      eventBus.subscribe(LoyaltyEvents.POINTS_RELEASED, listen, { subscriberId: "test-heard-released" })
      try {
        // The release and the `loyalty.points.released` subscribers it starts (tier activity, first-order
        // bonus, the referral check), awaited.
        const count = await countTransactions(container, async () => {
          const releasedHandled = subscribersDone(container, LoyaltyEvents.POINTS_RELEASED)
          await releaseOrderPointsWorkflow(container).run({ input: { order_id: order.id, customer_id: customer.id, now: daysFromNow(15) } })
          await releasedHandled
        })
        expect((await get(api, "/store/loyalty/account", headers)).account).toMatchObject({ balance: 250, pending: 0 })
        expect(heard.filter((data) => data.order_id === order.id)).toEqual([expect.objectContaining({ referred: false })])
        expect(count.statements.filter((statement) => /loyalty_referral\b/.test(statement))).toEqual([])
      } finally {
        eventBus.unsubscribe(LoyaltyEvents.POINTS_RELEASED, listen, { subscriberId: "test-heard-released" })
      }
    })

    it("one award of a member's order costs at most 15 Postgres transactions, its subscribers included (issue 15)", async () => {
      const container = getContainer()
      // The sign-up bonus's subscribers done first: a process's first message reads the provider list.
      const signupHandled = subscribersDone(container, LoyaltyEvents.POINTS_EARNED)
      const { customer, headers } = await member("counted@example.com")
      await signupHandled
      // The order as checkout leaves it, created without `order.placed` so that the award below is its first.
      const { result: order } = await createOrderWorkflow(container).run({
        input: {
          region_id: fixture.regionId,
          sales_channel_id: fixture.salesChannelId,
          customer_id: customer.id,
          email: customer.email,
          currency_code: "eur",
          items: [{ variant_id: fixture.expensiveVariantId, title: "Loyalty Test Shirt", unit_price: 100, quantity: 2 }],
          shipping_methods: [{ name: "Standard", amount: fixture.shippingAmount, shipping_option_id: fixture.shippingOptionId }],
        },
      })

      // What the `order.placed` subscriber runs, and the `loyalty.points.earned` subscribers after it
      // (the referral lookup, the points-earned message through the test store's `email` provider).
      const count = await countTransactions(container, async () => {
        const earnedHandled = subscribersDone(container, LoyaltyEvents.POINTS_EARNED)
        await awardOrderPointsWorkflow(container).run({ input: { order_id: order.id } })
        await earnedHandled
      })

      expect((await get(api, "/store/loyalty/account", headers)).account.pending).toBe(200)
      const [notification] = await container
        .resolve(ContainerRegistrationKeys.PG_CONNECTION)("notification")
        .where({ receiver_id: customer.id, template: "loyalty-points-earned" })
      expect(notification).toBeDefined()
      // The exact count is in docs/benchmarks.md ("The award's reads"); over the bound, the failure lists every statement.
      if (count.transactions > 15) {
        throw new Error(`${count.transactions} transactions, at most 15 expected:\n${count.statements.join("\n")}`)
      }
      expect(count.transactions).toBeLessThanOrEqual(15)
    })

    it("awards once when order.placed is delivered 5 times, concurrently and again", async () => {
      const { customer, headers } = await member("redelivery@example.com")
      const { order } = await buyTwoShirts(customer.email, headers)
      const container = getContainer()
      const deliver = () =>
        awardPointsOnOrderPlaced({
          event: { name: "order.placed", data: { id: order.id } },
          container,
          pluginOptions: {},
        })
      await Promise.all([deliver(), deliver(), deliver()])
      await deliver()
      await deliver()

      await eventually(async () => {
        expect((await get(api, "/store/loyalty/account", headers)).account.pending).toBe(200)
      })
      const totals = (await ledgerTotals(container, customer.id))!
      expect(totals.entries.filter((e) => e.order_id === order.id)).toHaveLength(1)
      expect(totals.cached).toEqual(totals.ledger)
    })

    it("awards an order whose order.placed handling failed in the next release run, once", async () => {
      const { customer, headers } = await member("lost-event@example.com")
      const container = getContainer()
      const knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)

      // Hold the shopper's account row so the order.placed handler times out
      // on its lock and fails: the local event bus drops the event for good.
      const blocker = await knex.transaction()
      await blocker.raw("SELECT id FROM loyalty_account WHERE customer_id = ? FOR UPDATE", [customer.id])
      const placedHandled = subscribersDone(container, "order.placed")
      const { order } = await buyTwoShirts(customer.email, headers)
      // Every order.placed subscriber has returned: the award gave up on the lock (5 s lock_timeout).
      await placedHandled
      await blocker.commit()

      expect((await get(api, "/store/loyalty/account", headers)).account.pending).toBe(0)
      expect(await pointsService(container).ordersWithoutEarning([order.id])).toEqual([order.id])

      const first = await releasePendingPointsWorkflow(container).run({ input: { now: new Date() } })
      expect(first.result.awarded).toBe(1)
      const second = await releasePendingPointsWorkflow(container).run({ input: { now: new Date() } })
      expect(second.result.awarded).toBe(0)
      expect((await get(api, "/store/loyalty/account", headers)).account).toMatchObject({ pending: 200, balance: 50 })
    })

    it("gives guest checkouts and staff-created customers nothing", async () => {
      const placedHandled = subscribersDone(getContainer(), "order.placed")
      const { order } = await buyTwoShirts("guest@example.com")
      await placedHandled
      const createdHandled = subscribersDone(getContainer(), "customer.created")
      const { customer: staffMade } = await post(
        api,
        "/admin/customers",
        { email: "walk-in@example.com", first_name: "Walk", last_name: "In" },
        admin.headers
      )
      // The subscribers (order.placed, customer.created) have run; then the catch-up too.
      await createdHandled
      await releasePendingPointsWorkflow(getContainer()).run({ input: { now: daysFromNow(30) } })

      const container = getContainer()
      const query = container.resolve(ContainerRegistrationKeys.QUERY)
      const {
        data: [guestOrder],
      } = await query.graph({ entity: "order", fields: ["customer_id", "customer.has_account"], filters: { id: order.id } })
      expect(guestOrder.customer?.has_account).toBe(false)
      expect(await ledgerTotals(container, guestOrder.customer_id!)).toBeNull()
      // Canceling the guest's order has nothing to reverse: no account is opened for the guest.
      const canceledHandled = subscribersDone(container, "order.canceled")
      await cancelOrder(api, admin.headers, order.id)
      await canceledHandled
      expect(await ledgerTotals(container, guestOrder.customer_id!)).toBeNull()

      const staffAccount = await get(api, `/admin/loyalty/accounts/${staffMade.id}`, admin.headers)
      expect(staffAccount.account).toMatchObject({ balance: 0, pending: 0 })
      expect(staffAccount.entries).toEqual([])
    })

    it("tells shoppers which currencies earn, and the admin's saved rules win over the plugin options", async () => {
      const before = await get(api, "/store/loyalty/program", storeHeaders)
      expect(before.program).toMatchObject({ version: 0, pending_days: 14, expiry_months: 12, signup_bonus: 50 })
      expect(before.program.currencies).toEqual([
        expect.objectContaining({ currency_code: "eur", earn_rate: 1, earns: true }),
        expect.objectContaining({ currency_code: "usd", earn_rate: null, earns: false, description: "Orders in USD earn no points" }),
      ])
      const adminView = await get(api, "/admin/loyalty/program", admin.headers)
      expect(adminView.currencies_without_earn_rate).toEqual(["usd"])

      const saved = await post(
        api,
        "/admin/loyalty/program",
        { earn_rates: { EUR: 2, usd: 1.5 }, pending_days: 7 },
        admin.headers
      )
      expect(saved.program).toMatchObject({ version: 1, earn_rates: { eur: 2, usd: 1.5 }, pending_days: 7 })
      expect(saved.currencies_without_earn_rate).toEqual([])

      const after = await get(api, "/store/loyalty/program", storeHeaders)
      expect(after.program.currencies[1]).toMatchObject({ currency_code: "usd", earn_rate: 1.5, earns: true })

      // New orders earn under version 1 and say so.
      const { customer, headers } = await member("version@example.com")
      const { order } = await buyTwoShirts(customer.email, headers)
      const { entries } = await eventually(async () => {
        const body = await get(api, "/store/loyalty/account/entries", headers)
        expect(body.entries[0].order_id).toBe(order.id)
        return body
      })
      expect(entries[0]).toMatchObject({ points: 400, program_version: 1 })
    })

    it("feedback points: none for an unpaid order, refused on a canceled order, taken back when the order is canceled (issue 12, defect 5)", async () => {
      await post(api, "/admin/loyalty/insights/settings", { feedback_points: 25 }, admin.headers)
      const { customer, headers } = await member("rater@example.com")
      const { order: unpaid } = await buyTwoShirts(customer.email, headers)
      const { order: paid } = await buyTwoShirts(customer.email, headers)
      const { order: canceled } = await buyTwoShirts(customer.email, headers)
      await capturePayment(api, admin.headers, paid.id)
      await eventually(async () => expect((await get(api, "/store/loyalty/account", headers)).account.pending).toBe(600))

      // Unpaid: the feedback is recorded, it earns nothing, and the answer says why.
      const onUnpaid = await post(api, "/store/loyalty/feedback", { order_id: unpaid.id, score: 8 }, headers)
      expect(onUnpaid).toMatchObject({ feedback: { order_id: unpaid.id, score: 8 }, points_awarded: 0 })
      expect(onUnpaid.points_reason).toMatch(/is not paid yet/)
      // Paid: 25 points.
      const onPaid = await post(api, "/store/loyalty/feedback", { order_id: paid.id, score: 10 }, headers)
      expect(onPaid).toMatchObject({ points_awarded: 25, points_reason: null })
      expect((await get(api, "/store/loyalty/account", headers)).account.balance).toBe(75)

      // A canceled order takes no feedback, and nothing changes.
      await cancelOrder(api, admin.headers, canceled.id)
      const refused = await attempt(api.post("/store/loyalty/feedback", { order_id: canceled.id, score: 1 }, { headers }))
      expect(refused.status).toBe(400)
      expect(refused.data.message).toMatch(/was canceled: it takes no feedback/)

      // Canceling the paid order takes its feedback points back, once, through the ledger.
      await cancelOrder(api, admin.headers, paid.id)
      await eventually(async () => {
        const { account } = await get(api, "/store/loyalty/account", headers)
        expect(account).toMatchObject({ balance: 50, pending: 200 })
      })
      const totals = (await ledgerTotals(getContainer(), customer.id))!
      expect(totals.cached).toEqual(totals.ledger)
      expect(totals.lots).toBe(50)
      const revoked = totals.entries.filter((e) => e.idempotency_key === `revoke:feedback:order:${paid.id}`)
      expect(revoked.map((e) => e.points)).toEqual([-25])
      const feedbackRows = await getContainer()
        .resolve(ContainerRegistrationKeys.PG_CONNECTION)("loyalty_feedback")
        .whereIn("order_id", [unpaid.id, paid.id, canceled.id])
      expect(feedbackRows.map((row: { order_id: string }) => row.order_id).sort()).toEqual([unpaid.id, paid.id].sort())
    })

    it("a deleted customer's account is closed: balance and pending points forfeited, lots emptied, nothing posted after (issue 12, deleted customers)", async () => {
      const { customer, headers } = await member("leaving@example.com")
      await post(api, `/admin/loyalty/accounts/${customer.id}/adjustments`, { points: 70, reason: "goodwill" }, admin.headers)
      const { order } = await buyTwoShirts(customer.email, headers)
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", headers)).account).toMatchObject({ balance: 120, pending: 200 })
      )

      await api.delete(`/admin/customers/${customer.id}`, { headers: admin.headers })
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      const accountRow = () => knex("loyalty_account").where({ customer_id: customer.id }).first()
      await eventually(async () => expect((await accountRow()).deleted_at).not.toBeNull())
      const closed = await accountRow()
      expect(closed).toMatchObject({ balance: 0, pending: 0, debt: 0 })
      const sums = async () =>
        (
          await knex.raw(
            `SELECT coalesce(sum(balance_change),0)::int AS balance, coalesce(sum(pending_change),0)::int AS pending,
                    (SELECT coalesce(sum(remaining),0)::int FROM loyalty_lot WHERE account_id = :id) AS lots,
                    count(*)::int AS entries
               FROM loyalty_entry WHERE account_id = :id`,
            { id: closed.id }
          )
        ).rows[0]
      const afterClose = await sums()
      expect(afterClose).toMatchObject({ balance: 0, pending: 0, lots: 0 })
      const { rows: forfeits } = await knex.raw(
        `SELECT order_id, points, balance_change, pending_change FROM loyalty_entry
          WHERE account_id = ? AND idempotency_key LIKE 'close:customer:%' ORDER BY order_id NULLS FIRST`,
        [closed.id]
      )
      expect(forfeits).toEqual([
        { order_id: null, points: -120, balance_change: -120, pending_change: 0 },
        { order_id: order.id, points: -200, balance_change: 0, pending_change: -200 },
      ])
      // Admin routes treat the customer as gone; the order's figures show nothing pending.
      expect((await attempt(api.get(`/admin/loyalty/accounts/${customer.id}`, { headers: admin.headers }))).status).toBe(404)
      expect((await get(api, `/admin/loyalty/orders/${order.id}`, admin.headers)).order_points).toMatchObject({
        earned: 200,
        pending: 0,
      })

      // A redelivered event, a cancel and the release job afterwards post nothing and open no new account.
      await closeCustomerAccountWorkflow(getContainer()).run({ input: { customer_id: customer.id } })
      await cancelOrder(api, admin.headers, order.id)
      // What the order.canceled subscriber runs, run here to completion.
      await reverseOrderPointsWorkflow(getContainer()).run({ input: { order_id: order.id, trigger: "order.canceled" } })
      await releasePendingPointsWorkflow(getContainer()).run({ input: { now: daysFromNow(20) } })
      expect(await sums()).toEqual(afterClose)
      expect(await knex("loyalty_account").where({ customer_id: customer.id })).toHaveLength(1)
    })
  },
})
