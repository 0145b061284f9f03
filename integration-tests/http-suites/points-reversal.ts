import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { createStep, createWorkflow, StepResponse, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { IEventBusModuleService } from "@medusajs/framework/types"
import { expiryDate } from "../../src/lib/shared/dates"
import { LoyaltyEvents, PointsReleasedEventData } from "../../src/lib/shared/events"
import {
  expirePointsWorkflow,
  releaseOrderPageWorkflow,
  emitPointsReleasedPageStepId,
  releaseOrderPageWorkflowId,
  releaseOrderPointsWorkflow,
  ReleaseOrderPointsInput,
  releasePendingPointsWorkflow,
  reverseOrderPointsWorkflow,
  reverseOrderPointsWorkflowId,
} from "../../src/workflows/points"
import { pointsService } from "../../src/workflows/points/steps/resolve-service"
import { blockOtherRuns, runFailingAt } from "../helpers/fault-injection"
import {
  AdminUser,
  cancelOrder,
  capturePayment,
  CommerceFixture,
  daysFromNow,
  eventually,
  get,
  getAdminOrder,
  getOrderPayments,
  ledgerTotals,
  placeOrder,
  post,
  receiveReturn,
  refundPayment,
  registerCustomer,
  StoreHeaders,
  subscribersDone,
} from "../helpers"
import { httpSuite } from "../helpers/one-boot"

/** A later step that fails the first time it runs, as a crash after the release would. */
let failNextRun = false
const failOnceStep = createStep("test-fail-once", async () => {
  if (failNextRun) {
    failNextRun = false
    throw new Error("injected failure after the release")
  }
  return new StepResponse(null)
})
/** The release, followed by a step that can fail: its failure compensates the release. */
const releaseThenFailWorkflow = createWorkflow("test-release-then-fail", (input: ReleaseOrderPointsInput) => {
  const released = releaseOrderPointsWorkflow.runAsStep({ input })
  failOnceStep()
  return new WorkflowResponse(released)
})

type Entry = { type: string; points: number; order_id: string | null; pending_change: number; balance_change: number }

/**
 * Taking points back: cancel reverses everything, refunds reverse against the
 * items' cash and cumulatively (never past what was earned), a received
 * return reverses once whatever refund follows. Points expire first-expiring first.
 */
export default httpSuite({
  title: "points reversal",
  // Its orders are the earning reader's test cases (expectEarningReadsAsOrderModule after each test).
  checkOrderReads: true,
  register: ({ api, getContainer, store }) => {
    let fixture: CommerceFixture
    let admin: AdminUser
    let storeHeaders: StoreHeaders

    beforeAll(() => {
      ;({ fixture, admin, storeHeaders } = store())
    })

    /** A member with an order of 2 × 100 EUR (249.90 EUR paid) whose 200 points are pending. */
    async function memberWithOrder(email: string) {
      const { customer, headers } = await registerCustomer(api, storeHeaders, { email })
      const { order } = await placeOrder(api, storeHeaders, {
        customerHeaders: headers,
        email,
        items: [{ variant_id: fixture.expensiveVariantId, quantity: 2 }],
        regionId: fixture.regionId,
        shippingOptionId: fixture.shippingOptionId,
      })
      await eventually(async () => {
        const { account } = await get(api, "/store/loyalty/account", headers)
        expect(account).toMatchObject({ pending: 200, balance: 50 })
      })
      return { customer, headers, order }
    }

    const orderEntries = async (headers: Record<string, string>, orderId: string): Promise<Entry[]> =>
      (await get(api, "/store/loyalty/account/entries?limit=100", headers)).entries.filter(
        (e: Entry) => e.order_id === orderId
      )
    const reversedOn = async (headers: Record<string, string>, orderId: string) =>
      (await orderEntries(headers, orderId)).filter((e) => e.type === "reverse").reduce((s, e) => s - e.points, 0)

    it("reverses everything a canceled order earned", async () => {
      const { headers, order, customer } = await memberWithOrder("cancel@example.com")
      await cancelOrder(api, admin.headers, order.id)
      await eventually(async () => expect(await reversedOn(headers, order.id)).toBe(200))
      expect((await get(api, "/store/loyalty/account", headers)).account).toMatchObject({ pending: 0, balance: 50 })

      // The release job finds nothing left to release for it.
      await releasePendingPointsWorkflow(getContainer()).run({ input: { now: daysFromNow(20) } })
      expect((await get(api, "/store/loyalty/account", headers)).account).toMatchObject({ pending: 0, balance: 50 })
      const totals = (await ledgerTotals(getContainer(), customer.id))!
      expect(totals.cached).toEqual(totals.ledger)
    })

    it("reverses partial refunds against the items' cash (shipping last), cumulatively, never more than earned", async () => {
      const { headers, order, customer } = await memberWithOrder("refunds@example.com")
      await capturePayment(api, admin.headers, order.id)
      const [payment] = await getOrderPayments(api, admin.headers, order.id)

      // The items were paid 238.00 with VAT: 74.97 back is 31.5 % of them, 63 of the 200 points.
      await refundPayment(api, admin.headers, payment.id, 74.97)
      await eventually(async () => expect(await reversedOn(headers, order.id)).toBe(63))

      await refundPayment(api, admin.headers, payment.id, 124.95) // 199.92 of 238.00 in all
      await eventually(async () => expect(await reversedOn(headers, order.id)).toBe(168))
      expect((await get(api, "/store/loyalty/account", headers)).account.pending).toBe(32)

      await refundPayment(api, admin.headers, payment.id, 49.98) // the rest, shipping included
      await eventually(async () => expect(await reversedOn(headers, order.id)).toBe(200))

      // Redelivered triggers add nothing: the total stays at what was earned.
      await reverseOrderPointsWorkflow(getContainer()).run({ input: { order_id: order.id, trigger: "redelivery" } })
      await reverseOrderPointsWorkflow(getContainer()).run({ input: { order_id: order.id, trigger: "redelivery" } })
      expect(await reversedOn(headers, order.id)).toBe(200)
      const reversals = (await orderEntries(headers, order.id)).filter((e) => e.type === "reverse")
      expect(reversals.map((e) => e.points).sort()).toEqual([-105, -32, -63].sort())
      const totals = (await ledgerTotals(getContainer(), customer.id))!
      expect(totals.cached).toEqual(totals.ledger)
    })

    it("takes released points back from the balance, and records debt when they were spent", async () => {
      const { headers, order, customer } = await memberWithOrder("debt@example.com")
      await capturePayment(api, admin.headers, order.id)
      await releasePendingPointsWorkflow(getContainer()).run({ input: { now: daysFromNow(15) } })
      expect((await get(api, "/store/loyalty/account", headers)).account).toMatchObject({ balance: 250, pending: 0 })

      // Staff take 220 (the shopper "spent" them), then the whole order is refunded.
      await api.post(
        `/admin/loyalty/accounts/${customer.id}/adjustments`,
        { points: -220, reason: "spent elsewhere" },
        { headers: admin.headers }
      )
      const [payment] = await getOrderPayments(api, admin.headers, order.id)
      await refundPayment(api, admin.headers, payment.id, 249.9)
      await eventually(async () => {
        const { account } = await get(api, "/store/loyalty/account", headers)
        expect(account).toMatchObject({ balance: 0, debt: 170, pending: 0 })
      })
      const totals = (await ledgerTotals(getContainer(), customer.id))!
      expect(totals.cached).toEqual(totals.ledger)
      expect(totals.lots).toBe(0)
    })

    it("reverses a received return when it is received, and its refund adds nothing", async () => {
      const { headers, order } = await memberWithOrder("return@example.com")
      await capturePayment(api, admin.headers, order.id)
      const adminOrder = await getAdminOrder(api, admin.headers, order.id, "id,*items")
      const item = adminOrder.items![0]

      await receiveReturn(api, admin.headers, {
        orderId: order.id,
        items: [{ id: item.id, quantity: 1 }],
        locationId: fixture.stockLocationId,
      })
      // The shirt is back: the order now earns on the one kept, 100 of its 200 points.
      await eventually(async () => expect(await reversedOn(headers, order.id)).toBe(100))

      // Refunding what Medusa owes for it (119 EUR with VAT) changes nothing more.
      const [payment] = await getOrderPayments(api, admin.headers, order.id)
      const refunded = subscribersDone(getContainer(), "payment.refunded")
      await refundPayment(api, admin.headers, payment.id, 119)
      await refunded
      expect(await reversedOn(headers, order.id)).toBe(100)

      await reverseOrderPointsWorkflow(getContainer()).run({
        input: { order_id: order.id, trigger: "order.return_received" },
      })
      expect(await reversedOn(headers, order.id)).toBe(100)
    })

    it("a release undone by a failing later step is released again by the next job run, which ends (issue 12, defect 4)", async () => {
      const { headers, order, customer } = await memberWithOrder("release-retry@example.com")
      failNextRun = true
      const input = { order_id: order.id, customer_id: customer.id, now: daysFromNow(15) }
      const { errors } = await releaseThenFailWorkflow(getContainer()).run({ input, throwOnError: false })
      expect(errors.map((e) => e.error.message)).toEqual(["injected failure after the release"])
      expect((await get(api, "/store/loyalty/account", headers)).account).toMatchObject({ pending: 200, balance: 50 })
      const undone = await get(api, `/admin/loyalty/orders/${order.id}`, admin.headers)
      expect(undone.order_points).toMatchObject({ earned: 200, released: 0, pending: 200 })

      // The job's next run releases it (the key was given back) and comes to an end.
      const { result } = await releasePendingPointsWorkflow(getContainer()).run({ input: { now: daysFromNow(16) } })
      expect(result.released).toBe(1)
      expect((await get(api, "/store/loyalty/account", headers)).account).toMatchObject({ pending: 0, balance: 250 })
      const after = await get(api, `/admin/loyalty/orders/${order.id}`, admin.headers)
      expect(after.order_points).toMatchObject({ earned: 200, released: 200, pending: 0, reversed: 0 })
      const totals = (await ledgerTotals(getContainer(), customer.id))!
      expect(totals.cached).toEqual(totals.ledger)
      expect(totals.lots).toBe(250)
    })

    it("after an order transfer, a cancel takes the points back from the shopper who earned them, not the new owner (issue 12, defect 8)", async () => {
      const { headers, order, customer } = await memberWithOrder("transfer-from@example.com")
      const newOwner = await registerCustomer(api, storeHeaders, { email: "transfer-to@example.com" })
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", newOwner.headers)).account.balance).toBe(50)
      )
      // Staff request the transfer; the new owner accepts it with the token Medusa mailed them.
      await api.post(`/admin/orders/${order.id}/transfer`, { customer_id: newOwner.customer.id }, { headers: admin.headers })
      const query = getContainer().resolve(ContainerRegistrationKeys.QUERY)
      const { data: changes } = await query.graph({
        entity: "order_change",
        fields: ["id", "actions.action", "actions.details"],
        filters: { order_id: order.id, status: "requested" },
      })
      const token = changes[0].actions.find((a) => a?.action === "TRANSFER_CUSTOMER")!.details!.token as string
      await api.post(`/store/orders/${order.id}/transfer/accept`, { token }, { headers: storeHeaders })
      expect((await getAdminOrder(api, admin.headers, order.id, "id,customer_id")).customer_id).toBe(newOwner.customer.id)

      // The pending points stay with the shopper who paid (see README), and so does their reversal.
      expect((await get(api, "/store/loyalty/account", headers)).account).toMatchObject({ pending: 200, balance: 50 })
      await cancelOrder(api, admin.headers, order.id)
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", headers)).account).toMatchObject({ pending: 0, balance: 50 })
      )
      expect((await get(api, "/store/loyalty/account", newOwner.headers)).account).toMatchObject({
        pending: 0,
        balance: 50,
        debt: 0,
      })
      const summary = await get(api, `/admin/loyalty/orders/${order.id}`, admin.headers)
      expect(summary.order_points).toMatchObject({ earned: 200, reversed: 200, pending: 0 })
      for (const id of [customer.id, newOwner.customer.id]) {
        const totals = (await ledgerTotals(getContainer(), id))!
        expect(totals.cached).toEqual(totals.ledger)
      }
    })

    /** `loyalty.points.released` as the event bus delivered it, for the release page tests. */
    const released: PointsReleasedEventData[] = []
    const captureReleased = async (event: { data: unknown }) => {
      released.push(event.data as PointsReleasedEventData)
    }
    const eventBus = () => getContainer().resolve<IEventBusModuleService>(Modules.EVENT_BUS)

    /**
     * Members whose orders are due in 15 days, made the same way under a tag:
     * one with two orders; one with an order partly refunded in its return
     * window (63 of 200 points reversed when it happened); one in debt (an
     * order released, 240 spent, that order refunded in full: 190 of debt)
     * with a second order pending; one whose refund's event was lost (the
     * recomputation it should have started failed), so the release has a
     * reversal to post first.
     */
    async function releaseCases(tag: string) {
      const order = async (headers: Record<string, string>, email: string) =>
        (
          await placeOrder(api, storeHeaders, {
            customerHeaders: headers,
            email,
            items: [{ variant_id: fixture.expensiveVariantId, quantity: 2 }],
            regionId: fixture.regionId,
            shippingOptionId: fixture.shippingOptionId,
          })
        ).order
      const refund = async (orderId: string, amount: number) => {
        await capturePayment(api, admin.headers, orderId)
        const [payment] = await getOrderPayments(api, admin.headers, orderId)
        const done = subscribersDone(getContainer(), "payment.refunded")
        await refundPayment(api, admin.headers, payment.id, amount)
        await done
      }
      const two = await memberWithOrder(`release-${tag}-two@example.com`)
      const second = await order(two.headers, `release-${tag}-two@example.com`)
      const refunded = await memberWithOrder(`release-${tag}-refunded@example.com`)
      await refund(refunded.order.id, 74.97)
      await eventually(async () => expect(await reversedOn(refunded.headers, refunded.order.id)).toBe(63))
      const debt = await memberWithOrder(`release-${tag}-debt@example.com`)
      const pendingOrder = await order(debt.headers, `release-${tag}-debt@example.com`)
      await eventually(async () => expect((await get(api, "/store/loyalty/account", debt.headers)).account.pending).toBe(400))
      await releaseOrderPointsWorkflow(getContainer()).run({
        input: { order_id: debt.order.id, customer_id: debt.customer.id, now: daysFromNow(15) },
      })
      await eventually(async () => expect(released.some((event) => event.order_id === debt.order.id)).toBe(true))
      await api.post(`/admin/loyalty/accounts/${debt.customer.id}/adjustments`, { points: -240, reason: "spent elsewhere" }, { headers: admin.headers })
      await refund(debt.order.id, 249.9)
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", debt.headers)).account).toMatchObject({ balance: 0, debt: 190, pending: 200 })
      )
      const lost = await memberWithOrder(`release-${tag}-lost@example.com`)
      const marker = `test-release-lost-${tag}`
      const block = blockOtherRuns(reverseOrderPointsWorkflowId, marker)
      try {
        await refund(lost.order.id, 74.97)
      } finally {
        block.disarm()
      }
      expect(await reversedOn(lost.headers, lost.order.id)).toBe(0)
      const members = { two: two.customer.id, refunded: refunded.customer.id, debt: debt.customer.id, lost: lost.customer.id }
      const orders = [two.order.id, second.id, refunded.order.id, debt.order.id, pendingOrder.id, lost.order.id]
      return { members, orders }
    }

    /** The due queue's page of these members' orders, in its order. */
    const duePage = async (members: Record<string, string>, now: Date) => {
      const customers = Object.values(members)
      return (await pointsService(getContainer()).listDueReleases(now, null, 1000)).items.filter((item) => customers.includes(item.customer_id))
    }

    /**
     * What releasing left of these members: accounts, lots, the ledger's
     * entries and the `loyalty.points.released` payloads, with ids, order
     * numbers and times named by their place, so two sets made alike compare equal.
     */
    async function releaseOutcome(cases: { members: Record<string, string>; orders: string[] }, now: Date) {
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      // The releases' lots expire at one instant; every other time (sign-up lots, the setup's release) is the fixture's own.
      const releaseExpiry = expiryDate(now, (await pointsService(getContainer()).getProgramRules()).expiry_months)?.toISOString()
      const out: Record<string, unknown> = {}
      for (const [name, customerId] of Object.entries(cases.members)) {
        const account = await knex("loyalty_account").where({ customer_id: customerId }).whereNull("deleted_at").first()
        const entries = await knex("loyalty_entry").where({ account_id: account.id }).orderBy([{ column: "created_at" }, { column: "id" }])
          .select("type", "points", "balance_change", "pending_change", "debt_change", "reason", "reference_type", "order_id", "idempotency_key", "program_version", "currency_code", "details", "voided_at")
        const lots = await knex("loyalty_lot").where({ account_id: account.id }).orderBy([{ column: "created_at" }, { column: "id" }])
          .select("points", "remaining", "expires_at")
        const events = released.filter((event) => event.customer_id === customerId).map(({ id: _id, account_id: _a, released_at: _r, ...event }) => event)
        let text = JSON.stringify({
          account: { balance: account.balance, pending: account.pending, debt: account.debt, lifetime_earned: account.lifetime_earned, lifetime_redeemed: account.lifetime_redeemed },
          entries: entries.map(({ voided_at, ...entry }) => ({ ...entry, voided: voided_at !== null })),
          lots,
          events,
        })
        text = text.split(customerId).join("<customer>")
        cases.orders.forEach((orderId, i) => (text = text.split(orderId).join(`<order${i}>`)))
        text = text
          .replace(/#\d+/g, "#n")
          .replace(/"order_display_id":\d+/g, '"order_display_id":"n"')
          .replace(/pay_[0-9A-Z]+/g, "<payment>")
          .replace(/llot_[0-9A-Z]+/g, "<lot>")
          .replace(/adjust:[0-9a-f-]+/g, "adjust:<key>")
          .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, (at) => (at === releaseExpiry ? "<release expiry>" : "<other time>"))
        out[name] = JSON.parse(text)
      }
      return out
    }

    it("releases a page of due orders set-based with exactly what one-by-one releases give: ties, refunds in the window, debt, a lost refund (issue 15)", async () => {
      const container = getContainer()
      await eventBus().subscribe(LoyaltyEvents.POINTS_RELEASED, captureReleased, { subscriberId: "test-capture-points-released" })
      try {
        released.length = 0
        const now = daysFromNow(15)
        const one = await releaseCases("one")
        const paged = await releaseCases("page")
        const releasedBefore = released.length

        for (const row of await duePage(one.members, now)) {
          await releaseOrderPointsWorkflow(container).run({ input: { ...row, now } })
        }
        const page = await duePage(paged.members, now)
        expect(page.map((row) => row.order_id)).toEqual([paged.orders[0], paged.orders[1], paged.orders[2], paged.orders[4], paged.orders[5]])
        const { result } = await releaseOrderPageWorkflow(container).run({ input: { orders: page, now } })
        // The lost refund's order goes to the per-order release, which reverses it first.
        expect(result).toEqual({ released: 4, deferred: [paged.orders[5]] })
        for (const orderId of result.deferred) {
          await releaseOrderPointsWorkflow(container).run({ input: { ...page.find((row) => row.order_id === orderId)!, now } })
        }
        await eventually(async () => expect(released.length - releasedBefore).toBe(10))

        const expected = await releaseOutcome(one, now)
        expect(await releaseOutcome(paged, now)).toEqual(expected)
        // And what that is: a spot check that the two sets did not agree on nothing.
        expect(expected.two).toMatchObject({
          account: { balance: 450, pending: 0 },
          events: [{ points: 200 }, { points: 200 }],
          lots: [{ remaining: 50, expires_at: "<other time>" }, { remaining: 200, expires_at: "<release expiry>" }, { remaining: 200, expires_at: "<release expiry>" }],
        })
        expect(expected.refunded).toMatchObject({ account: { balance: 187, pending: 0 }, events: [{ points: 137, earned_points: 200 }] })
        expect(expected.debt).toMatchObject({ account: { balance: 10, pending: 0, debt: 0 }, lots: [{ remaining: 0 }, { remaining: 0 }, { remaining: 10 }] })
        expect(expected.lost).toMatchObject({ account: { balance: 187, pending: 0 }, events: [{ points: 137 }] })
        for (const customerId of Object.values(paged.members)) {
          const totals = (await ledgerTotals(container, customerId))!
          expect(totals.cached).toEqual(totals.ledger)
        }
        // Nothing of theirs is due any more.
        expect(await duePage(paged.members, now)).toEqual([])
      } finally {
        await eventBus().unsubscribe(LoyaltyEvents.POINTS_RELEASED, captureReleased, { subscriberId: "test-capture-points-released" })
      }
    })

    it("a release page failing at its event step leaves nothing of itself; the next run releases it (issue 15)", async () => {
      const container = getContainer()
      const { headers, customer } = await memberWithOrder("release-page-fault@example.com")
      await placeOrder(api, storeHeaders, {
        customerHeaders: headers,
        email: "release-page-fault@example.com",
        items: [{ variant_id: fixture.expensiveVariantId, quantity: 1 }],
        regionId: fixture.regionId,
        shippingOptionId: fixture.shippingOptionId,
      })
      await eventually(async () => expect((await get(api, "/store/loyalty/account", headers)).account.pending).toBe(300))
      const now = daysFromNow(15)
      const page = await duePage({ customer: customer.id }, now)
      expect(page).toHaveLength(2)

      await runFailingAt(releaseOrderPageWorkflowId, emitPointsReleasedPageStepId, (transactionId) =>
        releaseOrderPageWorkflow(container).run({ input: { orders: page, now }, context: { transactionId }, throwOnError: false })
      )
      expect((await get(api, "/store/loyalty/account", headers)).account).toMatchObject({ pending: 300, balance: 50, debt: 0 })
      const afterFault = (await ledgerTotals(container, customer.id))!
      expect(afterFault.cached).toEqual(afterFault.ledger)
      expect(afterFault.lots).toBe(50)
      expect(await duePage({ customer: customer.id }, now)).toEqual(page)

      const { result } = await releasePendingPointsWorkflow(container).run({ input: { now } })
      expect(result.released).toBeGreaterThanOrEqual(2)
      expect((await get(api, "/store/loyalty/account", headers)).account).toMatchObject({ pending: 0, balance: 350 })
      expect(await duePage({ customer: customer.id }, now)).toEqual([])
    })

    it("expires points first-expiring first, and an expiry run twice expires once", async () => {
      const { customer, headers } = await registerCustomer(api, storeHeaders, { email: "expiry@example.com" })
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", headers)).account.balance).toBe(50)
      )
      await api.post(
        `/admin/loyalty/accounts/${customer.id}/adjustments`,
        { points: 100, reason: "goodwill" },
        { headers: admin.headers }
      )
      // Both lots expire on the same day in 12 months; the 30 taken come out of the older sign-up lot.
      await api.post(
        `/admin/loyalty/accounts/${customer.id}/adjustments`,
        { points: -30, reason: "correction" },
        { headers: admin.headers }
      )
      const { account } = await get(api, "/store/loyalty/account", headers)
      expect(account.next_expiry.points).toBe(120)

      const first = await expirePointsWorkflow(getContainer()).run({ input: { now: daysFromNow(400) } })
      expect(first.result).toEqual({ expired_lots: 2, expired_points: 120 })
      const second = await expirePointsWorkflow(getContainer()).run({ input: { now: daysFromNow(401) } })
      expect(second.result).toEqual({ expired_lots: 0, expired_points: 0 })

      const { entries } = await get(api, "/store/loyalty/account/entries", headers)
      expect(entries.filter((e: Entry) => e.type === "expire").map((e: Entry) => e.points).sort()).toEqual([-100, -20])
      expect((await get(api, "/store/loyalty/account", headers)).account).toMatchObject({ balance: 0, next_expiry: null })
    })

    /**
     * The defect "a reversal after the order's own lot expired takes the points
     * twice": the order's 200 points are released (their lot expires 12 months
     * after the release) and the expiry job runs past that date. Points the
     * order earned that expired unused are gone already; a reversal takes back
     * only what the member spent of them.
     */
    const account = async (headers: Record<string, string>) => (await get(api, "/store/loyalty/account", headers)).account
    const expireAll = async () => expirePointsWorkflow(getContainer()).run({ input: { now: daysFromNow(400) } })
    const recomputeTwice = async (orderId: string) => {
      for (const trigger of ["redelivery", "release-job"]) {
        await reverseOrderPointsWorkflow(getContainer()).run({ input: { order_id: orderId, trigger } })
      }
    }
    /** Staff cancel the order; its reversal is then triggered twice more (redelivery, the release job's check). */
    const cancelAndRecompute = async (orderId: string) => {
      const canceled = subscribersDone(getContainer(), "order.canceled")
      await cancelOrder(api, admin.headers, orderId)
      await canceled
      await recomputeTwice(orderId)
    }
    /** Every lot expires (the shopper has nothing left), staff give 300 goodwill points, then the order is canceled. */
    const expireGoodwillThenCancel = async (headers: Record<string, string>, customerId: string, orderId: string) => {
      await expireAll()
      expect(await account(headers)).toMatchObject({ balance: 0, debt: 0 })
      await api.post(`/admin/loyalty/accounts/${customerId}/adjustments`, { points: 300, reason: "goodwill after the expiry" }, { headers: admin.headers })
      await cancelAndRecompute(orderId)
    }
    const expectLedgerConsistent = async (customerId: string, lots: number) => {
      const totals = (await ledgerTotals(getContainer(), customerId))!
      expect(totals.cached).toEqual(totals.ledger)
      expect(totals.lots).toBe(lots)
    }

    it("a cancel after the order's own lot expired unused takes nothing again, and leaves later points alone", async () => {
      const { headers, order, customer } = await memberWithOrder("expired-then-canceled@example.com")
      await releasePendingPointsWorkflow(getContainer()).run({ input: { now: daysFromNow(15) } })
      expect(await account(headers)).toMatchObject({ balance: 250, pending: 0 })
      await expireGoodwillThenCancel(headers, customer.id, order.id)
      // Before the fix: balance 100 (the 200 expired points taken again from the 300).
      expect(await account(headers)).toMatchObject({ balance: 300, debt: 0, pending: 0 })
      expect(await reversedOn(headers, order.id)).toBe(0)
      await expectLedgerConsistent(customer.id, 300)
    })

    it("a cancel after the order's points were spent, given back by a canceled checkout and expired takes nothing again", async () => {
      const email = "restored-then-expired@example.com"
      const { headers, order, customer } = await memberWithOrder(email)
      await releaseOrderPointsWorkflow(getContainer()).run({
        input: { order_id: order.id, customer_id: customer.id, now: daysFromNow(15) },
      })
      expect(await account(headers)).toMatchObject({ balance: 250, pending: 0 })
      // All 250 paid at a second checkout: the 50 sign-up points (first-expiring), then the order's 200.
      const { order: spending } = await placeOrder(api, storeHeaders, {
        customerHeaders: headers,
        email,
        items: [{ variant_id: fixture.expensiveVariantId, quantity: 1 }],
        regionId: fixture.regionId,
        shippingOptionId: fixture.shippingOptionId,
        beforeComplete: async (cart) => {
          await post(api, `/store/carts/${cart.id}/loyalty/points`, { points: 250 }, headers)
        },
      })
      expect(await account(headers)).toMatchObject({ balance: 0 })
      // That checkout's order canceled: the 250 come back to the dates they had, then expire unused.
      const restored = subscribersDone(getContainer(), "order.canceled")
      await cancelOrder(api, admin.headers, spending.id)
      await restored
      expect(await account(headers)).toMatchObject({ balance: 250, debt: 0 })
      await expireGoodwillThenCancel(headers, customer.id, order.id)
      // The order's 200 points expired in the lot the canceled checkout gave them back in: they are
      // gone already. Before the fix: balance 100 (the 200 taken again from the goodwill points).
      expect(await account(headers)).toMatchObject({ balance: 300, debt: 0, pending: 0 })
      expect(await reversedOn(headers, order.id)).toBe(0)
      await expectLedgerConsistent(customer.id, 300)
    })

    it("a cancel after part of the order's lot was spent and the rest expired takes back only the spent part, once", async () => {
      const { headers, order, customer } = await memberWithOrder("spent-then-expired@example.com")
      await releaseOrderPointsWorkflow(getContainer()).run({
        input: { order_id: order.id, customer_id: customer.id, now: daysFromNow(15) },
      })
      // 150 spent: the 50 sign-up points (first-expiring), then 100 of the order's lot; its other 100 expire.
      await api.post(
        `/admin/loyalty/accounts/${customer.id}/adjustments`,
        { points: -150, reason: "spent elsewhere" },
        { headers: admin.headers }
      )
      await expireAll()
      const expired = (await get(api, "/store/loyalty/account/entries?limit=100", headers)).entries.filter(
        (e: Entry) => e.type === "expire"
      )
      expect(expired.map((e: Entry) => e.points)).toEqual([-100])

      await cancelAndRecompute(order.id)
      // Before the fix: debt 200 (the 100 expired points taken on top of the 100 spent).
      expect(await account(headers)).toMatchObject({ balance: 0, debt: 100, pending: 0 })
      expect(await reversedOn(headers, order.id)).toBe(100)
      await expectLedgerConsistent(customer.id, 0)
    })

    it("a partial return after a partial expiry counts the expired points first; refunding the rest takes back the spent ones", async () => {
      const { headers, order, customer } = await memberWithOrder("return-after-expiry@example.com")
      await capturePayment(api, admin.headers, order.id)
      await releasePendingPointsWorkflow(getContainer()).run({ input: { now: daysFromNow(15) } })
      await api.post(
        `/admin/loyalty/accounts/${customer.id}/adjustments`,
        { points: -150, reason: "spent elsewhere" },
        { headers: admin.headers }
      )
      await expireAll()
      expect(await account(headers)).toMatchObject({ balance: 0, debt: 0 })

      // One of the two shirts comes back: the order now earns 100, and the 100 it no longer earns are the expired ones.
      const adminOrder = await getAdminOrder(api, admin.headers, order.id, "id,*items")
      const received = subscribersDone(getContainer(), "order.return_received")
      await receiveReturn(api, admin.headers, {
        orderId: order.id,
        items: [{ id: adminOrder.items![0].id, quantity: 1 }],
        locationId: fixture.stockLocationId,
      })
      await received
      await recomputeTwice(order.id)
      // Before the fix: debt 100 (the returned shirt's points taken again though they had expired).
      expect(await account(headers)).toMatchObject({ balance: 0, debt: 0 })
      expect(await reversedOn(headers, order.id)).toBe(0)

      // Everything refunded: the order earns nothing, and the 100 spent points come back as debt, once.
      const [payment] = await getOrderPayments(api, admin.headers, order.id)
      const refunded = subscribersDone(getContainer(), "payment.refunded")
      await refundPayment(api, admin.headers, payment.id, 249.9)
      await refunded
      await recomputeTwice(order.id)
      expect(await account(headers)).toMatchObject({ balance: 0, debt: 100 })
      expect(await reversedOn(headers, order.id)).toBe(100)
      await expectLedgerConsistent(customer.id, 0)
    })
  },
})
