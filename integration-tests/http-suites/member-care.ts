import { Modules } from "@medusajs/framework/utils"
import { DateTime } from "luxon"
import { reviewSignature } from "../../src/lib/care/rules"
import { expiryDate } from "../../src/lib/shared/dates"
import { LoyaltyEvents } from "../../src/lib/shared/events"
import {
  awardFirstOrderBonusesWorkflow,
  awardFirstOrderBonusWorkflow,
  awardFirstOrderBonusWorkflowId,
  awardMemberDayBonusesWorkflow,
  deleteLoyaltyActionWorkflow,
  remindExpiringPointsWorkflow,
} from "../../src/workflows/care"
import { releasePendingPointsWorkflow } from "../../src/workflows/points"
import {
  AdminUser,
  attempt,
  cancelOrder,
  CommerceFixture,
  countTransactions,
  daysFromNow,
  eventually,
  get,
  getAdminOrder,
  ledgerTotals,
  placeOrder,
  pointsService,
  post,
  receiveReturn,
  registerCustomer,
  SqlCount,
  StoreHeaders,
  subscribersDone,
} from "../helpers"
import { blockOtherRuns } from "../helpers/fault-injection"
import { httpSuite } from "../helpers/one-boot"

/** The test store's `care` options (medusa-config.ts). */
const ZONE = "Europe/Berlin"
const REVIEW_SECRET = "test-review-secret"

/** "MM-DD" of an instant in the store's time zone. */
const monthDay = (at: Date) => DateTime.fromJSDate(at).setZone(ZONE).toFormat("MM-dd")

/**
 * Member care: birthdays, anniversaries, reviews and custom actions that
 * earn, reminders before points expire, and the messages members get
 * through Medusa's Notification Module (its local provider in the test store).
 */
export default httpSuite({
  title: "member care",
  register: ({ api, getContainer, store }) => {
    let admin: AdminUser
    let storeHeaders: StoreHeaders
    let fixture: CommerceFixture

    beforeAll(async () => {
      ;({ admin, storeHeaders, fixture } = store())
      for (const action of [
        { code: "birthday", name: "Happy birthday", points: 200 },
        { code: "anniversary", name: "Member anniversary", points: 100 },
        { code: "review", name: "Product review", points: 30, limit_count: 3, limit_period: "month" },
      ]) {
        await post(api, "/admin/loyalty/actions", action, admin.headers)
      }
    })

    /** A registered member whose 50-point sign-up bonus has arrived. */
    async function member(email: string) {
      const registered = await registerCustomer(api, storeHeaders, { email })
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", registered.headers)).account.balance).toBe(50)
      )
      return registered
    }

    const notificationsOf = (customerId: string, template?: string) =>
      getContainer()
        .resolve(Modules.NOTIFICATION)
        .listNotifications({ receiver_id: customerId, ...(template ? { template } : {}) })

    it("lets a member set a birthday once and switch messages off; refuses bad input with a 400 that says why", async () => {
      const shopper = await member("birthday-once@example.com")
      expect((await get(api, "/store/loyalty/account/preferences", shopper.headers)).preferences).toMatchObject({
        birthday: null,
        notifications: true,
      })
      const set = await post(api, "/store/loyalty/account/preferences", { birthday: "1990-03-15" }, shopper.headers)
      expect(set.preferences).toMatchObject({ birthday: "03-15", notifications: true })

      // The same day again is fine; another day is refused (the bonus would be paid twice a year).
      await post(api, "/store/loyalty/account/preferences", { birthday: "03-15" }, shopper.headers)
      const changed = await attempt(api.post("/store/loyalty/account/preferences", { birthday: "04-01" }, { headers: shopper.headers }))
      expect(changed.status).toBe(400)
      expect(changed.data.message).toMatch(/already set \(03-15\); ask the store/)

      for (const bad of [{ birthday: "02-30" }, { birthday: "15-03" }, { birthday: "March 15" }, { notifications: "no" }, { birthday: "03-15", customer_id: "cus_x" }]) {
        const refused = await attempt(api.post("/store/loyalty/account/preferences", bad, { headers: shopper.headers }))
        expect(refused.status).toBe(400)
        expect(refused.data.message).toBeTruthy()
      }
      expect((await attempt(api.post("/store/loyalty/account/preferences", { birthday: "05-05" }, { headers: storeHeaders }))).status).toBe(401)

      const off = await post(api, "/store/loyalty/account/preferences", { notifications: false }, shopper.headers)
      expect(off.preferences).toMatchObject({ birthday: "03-15", notifications: false })

      // Staff correct a birthday that is set.
      const corrected = await post(api, `/admin/loyalty/accounts/${shopper.customer.id}/preferences`, { birthday: "04-01" }, admin.headers)
      expect(corrected.preferences.birthday).toBe("04-01")
      const cleared = await post(api, `/admin/loyalty/accounts/${shopper.customer.id}/preferences`, { birthday: null }, admin.headers)
      expect(cleared.preferences).toMatchObject({ birthday: null, birthday_set_at: null, notifications: false })
      // The shopper cannot clear it themselves.
      expect((await attempt(api.post("/store/loyalty/account/preferences", { birthday: null }, { headers: shopper.headers }))).status).toBe(400)
    })

    it("pays the birthday bonus once a year even when the job runs twice, and not for a birthday set less than 30 days before", async () => {
      const container = getContainer()
      const early = await member("birthday-early@example.com")
      const late = await member("birthday-late@example.com")
      // Birthdays 40 and 10 days from now, each set today.
      const earlyDay = daysFromNow(40)
      const lateDay = daysFromNow(10)
      await post(api, "/store/loyalty/account/preferences", { birthday: monthDay(earlyDay) }, early.headers)
      await post(api, "/store/loyalty/account/preferences", { birthday: monthDay(lateDay) }, late.headers)

      const birthdayEntries = async (customerId: string) =>
        (await ledgerTotals(container, customerId))!.entries.filter((e) => e.reference_id === "birthday")

      await awardMemberDayBonusesWorkflow(container).run({ input: { now: earlyDay } })
      await awardMemberDayBonusesWorkflow(container).run({ input: { now: earlyDay } })
      expect((await birthdayEntries(early.customer.id)).map((e) => e.points)).toEqual([200])
      expect((await get(api, "/store/loyalty/account", early.headers)).account.balance).toBe(250)

      // Set 10 days before: nothing this year.
      await awardMemberDayBonusesWorkflow(container).run({ input: { now: lateDay } })
      expect(await birthdayEntries(late.customer.id)).toEqual([])

      // A year later both are paid, once each.
      const nextYear = (at: Date) => DateTime.fromJSDate(at).plus({ years: 1 }).toJSDate()
      await awardMemberDayBonusesWorkflow(container).run({ input: { now: nextYear(earlyDay) } })
      await awardMemberDayBonusesWorkflow(container).run({ input: { now: nextYear(lateDay) } })
      await awardMemberDayBonusesWorkflow(container).run({ input: { now: nextYear(lateDay) } })
      expect((await birthdayEntries(early.customer.id)).map((e) => e.points)).toEqual([200, 200])
      expect((await birthdayEntries(late.customer.id)).map((e) => e.points)).toEqual([200])
      const totals = (await ledgerTotals(container, early.customer.id))!
      expect(totals.cached).toEqual(totals.ledger)
      expect(totals.lots).toBe(totals.cached.balance)

      // The birthday greeting goes out through the Notification Module, with the points.
      await eventually(async () => {
        const [greeting] = await notificationsOf(early.customer.id, "loyalty-birthday-bonus")
        expect(greeting).toMatchObject({ to: "birthday-early@example.com", channel: "email" })
        expect(greeting.data).toMatchObject({ kind: "birthday-bonus", action_code: "birthday", points: 200 })
      })
    })

    it("pays a birthday and an anniversary the daily job missed on its next run, once, in the year of the day (member-care review)", async () => {
      const container = getContainer()
      const shopper = await member("birthday-missed@example.com")
      await post(api, "/store/loyalty/account/preferences", { birthday: "12-31" }, shopper.headers)
      const entriesOf = async (code: string) =>
        (await ledgerTotals(container, shopper.customer.id))!.entries.filter((e) => e.reference_id === code)
      const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toJSDate()

      // The server was down on 31 December 2027 (or a clock change made 06:07 UTC skip that local day):
      // the run of 2 January pays the birthday, as 2027's.
      await awardMemberDayBonusesWorkflow(container).run({ input: { now: at("2028-01-02T06:07") } })
      await awardMemberDayBonusesWorkflow(container).run({ input: { now: at("2028-01-03T06:07") } })
      expect((await entriesOf("birthday")).map((e) => e.points)).toEqual([200])
      // 2028's birthday is its own, paid on the day.
      await awardMemberDayBonusesWorkflow(container).run({ input: { now: at("2028-12-31T06:07") } })
      expect((await entriesOf("birthday")).map((e) => e.points)).toEqual([200, 200])

      // The anniversary of signing up, missed on the day a year on, is paid two days later, once.
      const signedUp = DateTime.fromJSDate(new Date()).setZone(ZONE)
      await awardMemberDayBonusesWorkflow(container).run({ input: { now: signedUp.plus({ years: 1, days: 2 }).toJSDate() } })
      await awardMemberDayBonusesWorkflow(container).run({ input: { now: signedUp.plus({ years: 1, days: 3 }).toJSDate() } })
      expect((await entriesOf("anniversary")).map((e) => e.points)).toEqual([100])
    })

    it("pays the anniversary of signing up once, from the first full year", async () => {
      const container = getContainer()
      const shopper = await member("anniversary@example.com")
      const today = new Date()
      await awardMemberDayBonusesWorkflow(container).run({ input: { now: today } })
      const inAYear = DateTime.fromJSDate(today).plus({ years: 1 }).toJSDate()
      await awardMemberDayBonusesWorkflow(container).run({ input: { now: inAYear } })
      await awardMemberDayBonusesWorkflow(container).run({ input: { now: inAYear } })
      const entries = (await ledgerTotals(container, shopper.customer.id))!.entries.filter((e) => e.reference_id === "anniversary")
      expect(entries.map((e) => e.points)).toEqual([100])
    })

    it("pays a review once per review, only when signed with the store's secret, and within its monthly limit", async () => {
      const shopper = await member("reviewer@example.com")
      const id = shopper.customer.id
      const review = (reviewId: string, signature = reviewSignature(REVIEW_SECRET, id, reviewId)) =>
        attempt(
          api.post(
            "/store/loyalty/actions/review",
            { customer_id: id, review_id: reviewId, product_id: "prod_1" },
            { headers: { ...storeHeaders, "x-loyalty-signature": signature } }
          )
        )

      expect((await review("rev-1", "")).status).toBe(401)
      expect((await review("rev-1", reviewSignature("wrong-secret", id, "rev-1"))).status).toBe(401)
      expect((await review("rev-1", reviewSignature(REVIEW_SECRET, id, "rev-2"))).status).toBe(401)
      expect((await get(api, "/store/loyalty/account", shopper.headers)).account.balance).toBe(50)

      const paid = await review("rev-1")
      expect(paid.status).toBe(201)
      expect(paid.data).toEqual({ points: 30, created: true })
      expect((await review("rev-1")).data).toEqual({ points: 30, created: false })
      expect((await review("rev-2")).status).toBe(201)
      expect((await review("rev-3")).status).toBe(201)
      const fourth = await review("rev-4")
      expect(fourth.status).toBe(400)
      expect(fourth.data.message).toMatch(/Limit reached: review pays at most 3 times in this period/)
      expect((await get(api, "/store/loyalty/account", shopper.headers)).account.balance).toBe(50 + 3 * 30)

      // A guest (no account) earns nothing.
      const guest = await attempt(
        api.post(
          "/store/loyalty/actions/review",
          { customer_id: "cus_doesnotexist", review_id: "rev-9" },
          { headers: { ...storeHeaders, "x-loyalty-signature": reviewSignature(REVIEW_SECRET, "cus_doesnotexist", "rev-9") } }
        )
      )
      expect(guest.status).toBe(404)
    })

    it("holds a custom action's limit under 10 concurrent reports, and a retried report pays once", async () => {
      const container = getContainer()
      const created = await post(
        api,
        "/admin/loyalty/actions",
        { code: "newsletter", name: "Newsletter sign-up", points: 25, limit_count: 2, limit_period: "month" },
        admin.headers
      )
      expect(created.action).toMatchObject({ code: "newsletter", points: 25, limit_count: 2, enabled: true })
      const duplicate = await attempt(api.post("/admin/loyalty/actions", { code: "newsletter", name: "Again", points: 5 }, { headers: admin.headers }))
      expect(duplicate.status).toBe(400)
      expect(duplicate.data.message).toMatch(/already exists/)
      for (const bad of [{ code: "Bad Code", name: "x", points: 5 }, { code: "ok", name: "x", points: 0 }, { code: "ok", name: "x", points: 5, limit_count: 0 }]) {
        expect((await attempt(api.post("/admin/loyalty/actions", bad, { headers: admin.headers }))).status).toBe(400)
      }

      const shopper = await member("newsletter@example.com")
      const report = (key: string) =>
        attempt(
          api.post(
            "/admin/loyalty/action-completions",
            { action_code: "newsletter", customer_id: shopper.customer.id },
            { headers: { ...admin.headers, "idempotency-key": key } }
          )
        )
      const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => report(`signup-${i}`)))
      expect(outcomes.filter((o) => o.status === 201)).toHaveLength(2)
      const refused = outcomes.filter((o) => o.status === 400)
      expect(refused).toHaveLength(8)
      expect(refused[0].data.message).toMatch(/Limit reached/)
      // The same report again (a retry of one that was paid) pays nothing more.
      const paidKey = `signup-${outcomes.findIndex((o) => o.status === 201)}`
      expect((await report(paidKey)).status).toBe(201)
      const totals = (await ledgerTotals(container, shopper.customer.id))!
      expect(totals.cached.balance).toBe(50 + 2 * 25)
      expect(totals.ledger).toEqual(totals.cached)
      expect(totals.lots).toBe(100)

      // Switched off: a 400 that says so; an unknown code: 404.
      await post(api, `/admin/loyalty/actions/${created.action.id}`, { enabled: false }, admin.headers)
      const off = await report("after-off")
      expect(off.status).toBe(400)
      expect(off.data.message).toMatch(/switched off/)
      const unknown = await attempt(
        api.post("/admin/loyalty/action-completions", { action_code: "nope", customer_id: shopper.customer.id }, { headers: admin.headers })
      )
      expect(unknown.status).toBe(404)
      expect((await attempt(api.post("/admin/loyalty/action-completions", { action_code: "newsletter", customer_id: shopper.customer.id }, { headers: shopper.headers }))).status).toBe(401)

      // An action that does not exist: 404 from its routes and from the delete workflow itself.
      // One request at a time (each made when awaited: a 404 that nobody awaits yet fails the test run).
      for (const request of [
        () => api.get("/admin/loyalty/actions/lact_missing", { headers: admin.headers }),
        () => api.post("/admin/loyalty/actions/lact_missing", { points: 5 }, { headers: admin.headers }),
        () => api.delete("/admin/loyalty/actions/lact_missing", { headers: admin.headers }),
      ]) {
        const response = await attempt(request())
        expect({ status: response.status, message: response.data.message }).toEqual({
          status: 404,
          message: expect.stringMatching(/lact_missing was not found/),
        })
      }
      await expect(deleteLoyaltyActionWorkflow(container).run({ input: { id: "lact_missing" } })).rejects.toMatchObject({
        type: "not_found",
        message: expect.stringMatching(/lact_missing was not found/),
      })
      expect((await get(api, `/admin/loyalty/actions/${created.action.id}`, admin.headers)).action).toMatchObject({ code: "newsletter" })
    })

    it("reminds a member once per lot before it expires, through the Notification Module, and sends nothing to a member who opted out", async () => {
      const container = getContainer()
      const reminded = await member("reminded@example.com")
      const quiet = await member("quiet@example.com")
      await post(api, "/store/loyalty/account/preferences", { notifications: false }, quiet.headers)
      await post(api, `/admin/loyalty/accounts/${reminded.customer.id}/adjustments`, { points: 300, reason: "goodwill" }, admin.headers)

      const points = pointsService(container)
      const [account] = await points.listAccounts({ customer_id: reminded.customer.id })
      const lots = await points.listLots({ account_id: account.id }, { take: null })
      expect(lots).toHaveLength(2)
      // Ten days before the later of them expires: both are within the 14 days of `expiryReminderDays`.
      const expiry = new Date(Math.max(...lots.map((lot) => new Date(lot.expires_at!).getTime())))
      const now = new Date(expiry.getTime() - 10 * 24 * 60 * 60 * 1000)

      const handled = subscribersDone(container, "loyalty.points.expiring")
      const first = await remindExpiringPointsWorkflow(container).run({ input: { now } })
      await handled
      // The reminded member's two lots and the quiet member's sign-up lot (each test starts from the suite's snapshot).
      expect(first.result.reminded_lots).toBe(3)
      const second = await remindExpiringPointsWorkflow(container).run({ input: { now } })
      expect(second.result.reminded_lots).toBe(0)

      await eventually(async () => {
        const messages = await notificationsOf(reminded.customer.id, "loyalty-points-expiring")
        expect(messages.map((m) => m.data!.points).sort()).toEqual([300, 50])
        for (const message of messages) {
          expect(message).toMatchObject({ to: "reminded@example.com", channel: "email", status: "success" })
          expect(new Date(String(message.data!.expires_at)).getTime()).toBeGreaterThan(now.getTime())
        }
      })
      // Staff see the messages on the customer page (the plugin's only, newest first).
      const { messages } = await get(api, `/admin/loyalty/accounts/${reminded.customer.id}/preferences`, admin.headers)
      expect(messages.map((m: { trigger_type: string }) => m.trigger_type).sort()).toEqual([
        "points-earned",
        "points-expiring",
        "points-expiring",
      ])
      // The quiet member's reminder was handled (above) and sent nothing: they opted out after their welcome message.
      expect(await notificationsOf(quiet.customer.id, "loyalty-points-expiring")).toEqual([])
      expect((await notificationsOf(quiet.customer.id)).map((m) => m.template)).toEqual(["loyalty-points-earned"])
    })

    /** One 100 EUR shirt: 100 points. */
    const buy = (email: string, headers: Record<string, string>) =>
      placeOrder(api, storeHeaders, {
        customerHeaders: headers,
        email,
        items: [{ variant_id: fixture.expensiveVariantId, quantity: 1 }],
        regionId: fixture.regionId,
        shippingOptionId: fixture.shippingOptionId,
      })

    /** The customer's first-order bonus entries. */
    const firstOrderEntries = async (customerId: string) => {
      const service = pointsService(getContainer())
      const [account] = await service.listAccounts({ customer_id: customerId })
      return service.listEntries({ account_id: account.id, reference_id: "first_order" }, { take: null })
    }

    it("pays the first-order action once per member, when the first kept order's points are released, not for a canceled one", async () => {
      const container = getContainer()
      await post(api, "/admin/loyalty/actions", { code: "first_order", name: "Welcome: first order", points: 75 }, admin.headers)

      // Two orders; the first one's release pays.
      const steady = await member("first-order@example.com")
      const { order: first } = await buy("first-order@example.com", steady.headers)
      const { order: second } = await buy("first-order@example.com", steady.headers)
      // A member whose first order was canceled: their second order is their first kept one.
      const changed = await member("first-order-canceled@example.com")
      const { order: canceled } = await buy("first-order-canceled@example.com", changed.headers)
      await eventually(async () => expect((await get(api, "/store/loyalty/account", changed.headers)).account.pending).toBe(100))
      await cancelOrder(api, admin.headers, canceled.id)
      const { order: kept } = await buy("first-order-canceled@example.com", changed.headers)
      await eventually(async () => {
        expect((await get(api, "/store/loyalty/account", steady.headers)).account.pending).toBe(200)
        expect((await get(api, "/store/loyalty/account", changed.headers)).account.pending).toBe(100)
      })

      await releasePendingPointsWorkflow(container).run({ input: { now: daysFromNow(15) } })
      await eventually(async () => {
        expect((await firstOrderEntries(steady.customer.id)).map((e) => [e.points, e.details?.order_id])).toEqual([[75, first.id]])
        expect((await firstOrderEntries(changed.customer.id)).map((e) => [e.points, e.details?.order_id])).toEqual([[75, kept.id]])
      })
      const [paid] = await firstOrderEntries(steady.customer.id)
      expect(paid).toMatchObject({ type: "earn", reference_type: "action", reason: "Welcome: first order" })

      // The second order is not a first order; a redelivered release of the first pays nothing again.
      const now = new Date()
      const later = await awardFirstOrderBonusWorkflow(container).run({ input: { customer_id: steady.customer.id, order_id: second.id, now } })
      expect(later.result).toEqual({ paid: false, entry_id: null })
      const again = await awardFirstOrderBonusWorkflow(container).run({ input: { customer_id: steady.customer.id, order_id: first.id, now } })
      expect(again.result).toEqual({ paid: false, entry_id: paid.id })
      await eventually(async () => {
        const totals = await ledgerTotals(container, steady.customer.id)
        expect(totals!.cached).toMatchObject({ balance: 50 + 200 + 75, pending: 0 })
        expect(totals!.ledger).toEqual(totals!.cached)
      })
    })

    it("pays the first-order bonus of a page of releases for first kept orders only, once each, as one release at a time does (issue 15)", async () => {
      const container = getContainer()
      const { actions } = await get(api, "/admin/loyalty/actions", admin.headers)
      if (!actions.some((action: { code: string }) => action.code === "first_order")) {
        await post(api, "/admin/loyalty/actions", { code: "first_order", name: "Welcome: first order", points: 75 }, admin.headers)
      }
      /** Points and order of each first-order bonus paid to the customer. */
      const firstOrderPayments = async (customerId: string) =>
        (await firstOrderEntries(customerId)).map((entry) => [entry.points, entry.details?.order_id])
      // Two orders of one member, a canceled then a kept order of another, and an order of a member
      // whose earlier order the page does not hold.
      const two = await member("first-order-page-two@example.com")
      const { order: a1 } = await buy("first-order-page-two@example.com", two.headers)
      const { order: a2 } = await buy("first-order-page-two@example.com", two.headers)
      const changed = await member("first-order-page-canceled@example.com")
      const { order: canceled } = await buy("first-order-page-canceled@example.com", changed.headers)
      await eventually(async () => expect((await get(api, "/store/loyalty/account", changed.headers)).account.pending).toBe(100))
      await cancelOrder(api, admin.headers, canceled.id)
      const { order: kept } = await buy("first-order-page-canceled@example.com", changed.headers)
      const later = await member("first-order-page-later@example.com")
      await buy("first-order-page-later@example.com", later.headers)
      const { order: c2 } = await buy("first-order-page-later@example.com", later.headers)

      const released_at = new Date()
      const page = [
        { customer_id: two.customer.id, order_id: a1.id, released_at },
        { customer_id: two.customer.id, order_id: a2.id, released_at },
        { customer_id: changed.customer.id, order_id: kept.id, released_at },
        { customer_id: changed.customer.id, order_id: kept.id, released_at },
        { customer_id: later.customer.id, order_id: c2.id, released_at },
      ]
      const { result } = await awardFirstOrderBonusesWorkflow(container).run({ input: { orders: page } })
      expect(result).toEqual({ paid: 2 })
      expect(await firstOrderPayments(two.customer.id)).toEqual([[75, a1.id]])
      expect(await firstOrderPayments(changed.customer.id)).toEqual([[75, kept.id]])
      expect(await firstOrderPayments(later.customer.id)).toEqual([])

      // The same page again (redelivered events) pays nobody twice.
      const again = await awardFirstOrderBonusesWorkflow(container).run({ input: { orders: page } })
      expect(again.result).toEqual({ paid: 0 })
      expect(await firstOrderPayments(two.customer.id)).toEqual([[75, a1.id]])
      for (const customerId of [two.customer.id, changed.customer.id]) {
        const totals = await ledgerTotals(container, customerId)
        expect(totals!.ledger).toEqual(totals!.cached)
      }
    })

    /** The store's `first_order` action (75 points), created now unless it exists. */
    const firstOrderAction = async () => {
      const { actions } = await get(api, "/admin/loyalty/actions", admin.headers)
      if (!actions.some((action: { code: string }) => action.code === "first_order")) {
        await post(api, "/admin/loyalty/actions", { code: "first_order", name: "Welcome: first order", points: 75 }, admin.headers)
      }
    }
    /** Points and order of each first-order bonus paid to the customer. */
    const firstOrderPaid = async (customerId: string) =>
      (await firstOrderEntries(customerId)).map((entry) => [entry.points, entry.details?.order_id])

    it("pays the first-order bonus of a first kept order that earned 0 points from the daily pass, once: no release ever pays it (first-order catch-up)", async () => {
      const container = getContainer()
      await firstOrderAction()
      // EUR earns nothing while the member's first order is placed: its entry is a 0-point pending one.
      await post(api, "/admin/loyalty/program", { earn_rates: { eur: 0 } }, admin.headers)
      const shopper = await member("first-order-zero@example.com")
      const { order: first } = await buy("first-order-zero@example.com", shopper.headers)
      const [pending] = await eventually(async () => {
        const entries = (await ledgerTotals(container, shopper.customer.id))!.entries.filter((e) => e.order_id === first.id)
        expect(entries.map((e) => [e.type, e.points])).toEqual([["pending", 0]])
        return entries
      })
      await post(api, "/admin/loyalty/program", { earn_rates: { eur: 1 } }, admin.headers)
      const { order: second } = await buy("first-order-zero@example.com", shopper.headers)
      await eventually(async () => expect((await get(api, "/store/loyalty/account", shopper.headers)).account.pending).toBe(100))

      // Both return windows end: the second order's points are released, and it is no first order.
      const released = subscribersDone(container, LoyaltyEvents.POINTS_RELEASED)
      await releasePendingPointsWorkflow(container).run({ input: { now: daysFromNow(15) } })
      await released
      expect((await get(api, "/store/loyalty/account", shopper.headers)).account).toMatchObject({ balance: 150, pending: 0 })
      expect(await firstOrderPaid(shopper.customer.id)).toEqual([])

      // The daily pass pays the first order's bonus, dated when its return window ended.
      const pass = await awardMemberDayBonusesWorkflow(container).run({ input: { now: daysFromNow(15) } })
      expect(await firstOrderPaid(shopper.customer.id)).toEqual([[75, first.id]])
      expect(pass.result).toMatchObject({ first_order: 1 })
      const [bonus] = await firstOrderEntries(shopper.customer.id)
      const [lot] = await pointsService(container).listLots({ entry_id: bonus.id })
      const { expiry_months } = await pointsService(container).getProgramRules()
      expect(new Date(lot.expires_at!).toISOString()).toBe(expiryDate(new Date(pending.release_at!), expiry_months)!.toISOString())

      // Not again: the next day's pass, nor a release of either order heard now.
      const next = await awardMemberDayBonusesWorkflow(container).run({ input: { now: daysFromNow(16) } })
      expect(next.result).toMatchObject({ first_order: 0 })
      const heard = await awardFirstOrderBonusesWorkflow(container).run({
        input: {
          orders: [
            { customer_id: shopper.customer.id, order_id: first.id, released_at: new Date() },
            { customer_id: shopper.customer.id, order_id: second.id, released_at: new Date() },
          ],
        },
      })
      expect(heard.result).toEqual({ paid: 0 })
      expect(await firstOrderPaid(shopper.customer.id)).toEqual([[75, first.id]])
      const totals = (await ledgerTotals(container, shopper.customer.id))!
      expect(totals.cached).toMatchObject({ balance: 50 + 100 + 75, pending: 0 })
      expect(totals.ledger).toEqual(totals.cached)
    })

    it("pays the first-order bonus whose release event was lost from the next daily pass, once (first-order catch-up)", async () => {
      const container = getContainer()
      await firstOrderAction()
      const shopper = await member("first-order-lost@example.com")
      const { order } = await buy("first-order-lost@example.com", shopper.headers)
      await eventually(async () => expect((await get(api, "/store/loyalty/account", shopper.headers)).account.pending).toBe(100))

      // The release's first-order handling fails at its first step, as if its event had been lost.
      const blocked = blockOtherRuns(awardFirstOrderBonusWorkflowId, "never-this-marker")
      try {
        const released = subscribersDone(container, LoyaltyEvents.POINTS_RELEASED)
        await releasePendingPointsWorkflow(container).run({ input: { now: daysFromNow(15) } })
        await released
      } finally {
        blocked.disarm()
      }
      expect((await get(api, "/store/loyalty/account", shopper.headers)).account).toMatchObject({ balance: 150, pending: 0 })
      expect(await firstOrderPaid(shopper.customer.id)).toEqual([])

      await awardMemberDayBonusesWorkflow(container).run({ input: { now: daysFromNow(15) } })
      expect(await firstOrderPaid(shopper.customer.id)).toEqual([[75, order.id]])
      await awardMemberDayBonusesWorkflow(container).run({ input: { now: daysFromNow(16) } })
      expect(await firstOrderPaid(shopper.customer.id)).toEqual([[75, order.id]])
      const totals = (await ledgerTotals(container, shopper.customer.id))!
      expect(totals.cached).toMatchObject({ balance: 50 + 100 + 75, pending: 0 })
      expect(totals.ledger).toEqual(totals.cached)
    })

    /** A shirt bought and sent back in full (fulfilled, returned, received; no refund): its 100 pending points are all taken back, nothing is released. */
    const buyAndReturn = async (email: string, headers: Record<string, string>) => {
      const { order } = await buy(email, headers)
      await eventually(async () => expect((await get(api, "/store/loyalty/account", headers)).account.pending).toBe(100))
      const [item] = (await getAdminOrder(api, admin.headers, order.id, "id,*items")).items!
      await receiveReturn(api, admin.headers, { orderId: order.id, items: [{ id: item.id, quantity: 1 }], locationId: fixture.stockLocationId })
      await eventually(async () => expect((await get(api, "/store/loyalty/account", headers)).account.pending).toBe(0))
      return order
    }

    it("pays the first-order bonus for the first kept order when the first one came back in full: on its release, and from the daily pass when it earned 0 points (fix-bonus-rules, defect 1)", async () => {
      const container = getContainer()
      await firstOrderAction()
      // A member whose first order came back in full; the second, kept, is released.
      const released = await member("first-order-returned@example.com")
      const returned = await buyAndReturn("first-order-returned@example.com", released.headers)
      const { order: kept } = await buy("first-order-returned@example.com", released.headers)
      await eventually(async () => expect((await get(api, "/store/loyalty/account", released.headers)).account.pending).toBe(100))
      // Another whose second, kept order earns 0 points (EUR earns nothing then): never released, the daily pass pays it.
      const zero = await member("first-order-returned-zero@example.com")
      await buyAndReturn("first-order-returned-zero@example.com", zero.headers)
      await post(api, "/admin/loyalty/program", { earn_rates: { eur: 0 } }, admin.headers)
      const { order: keptZero } = await buy("first-order-returned-zero@example.com", zero.headers)
      await eventually(async () => {
        const entries = (await ledgerTotals(container, zero.customer.id))!.entries.filter((e) => e.order_id === keptZero.id)
        expect(entries.map((e) => [e.type, e.points])).toEqual([["pending", 0]])
      })
      await post(api, "/admin/loyalty/program", { earn_rates: { eur: 1 } }, admin.headers)

      // The return windows end: the kept order's release pays its bonus.
      const releasesHandled = subscribersDone(container, LoyaltyEvents.POINTS_RELEASED)
      await releasePendingPointsWorkflow(container).run({ input: { now: daysFromNow(15) } })
      await releasesHandled
      expect(await firstOrderPaid(released.customer.id)).toEqual([[75, kept.id]])
      // The daily pass pays the 0-point kept order's, and nobody twice.
      const pass = await awardMemberDayBonusesWorkflow(container).run({ input: { now: daysFromNow(15) } })
      expect(pass.result).toMatchObject({ first_order: 1 })
      expect(await firstOrderPaid(zero.customer.id)).toEqual([[75, keptZero.id]])
      expect(await firstOrderPaid(released.customer.id)).toEqual([[75, kept.id]])
      // A redelivered release of the returned order pays nothing.
      const heard = await awardFirstOrderBonusWorkflow(container).run({
        input: { customer_id: released.customer.id, order_id: returned.id, now: new Date() },
      })
      expect(heard.result.paid).toBe(false)
      for (const [shopper, balance] of [[released, 50 + 100 + 75], [zero, 50 + 75]] as const) {
        const totals = (await ledgerTotals(container, shopper.customer.id))!
        expect(totals.cached).toMatchObject({ balance, pending: 0 })
        expect(totals.ledger).toEqual(totals.cached)
      }
    })

    it("pays no first-order bonus for a first order placed before the action was created, on its release or from the daily pass, nor for a later order (fix-bonus-rules, defect 3)", async () => {
      const container = getContainer()
      const shopper = await member("first-order-before-action@example.com")
      const { order: before } = await buy("first-order-before-action@example.com", shopper.headers)
      await eventually(async () => expect((await get(api, "/store/loyalty/account", shopper.headers)).account.pending).toBe(100))
      // The store switches the bonus on after that order, and the member orders again.
      await firstOrderAction()
      const { order: after } = await buy("first-order-before-action@example.com", shopper.headers)
      await eventually(async () => expect((await get(api, "/store/loyalty/account", shopper.headers)).account.pending).toBe(200))

      // Both return windows end: two releases, neither pays; nor does the daily pass.
      const releasesHandled = subscribersDone(container, LoyaltyEvents.POINTS_RELEASED, { triggerCount: 2 })
      await releasePendingPointsWorkflow(container).run({ input: { now: daysFromNow(15) } })
      await releasesHandled
      const pass = await awardMemberDayBonusesWorkflow(container).run({ input: { now: daysFromNow(15) } })
      expect(pass.result).toMatchObject({ first_order: 0 })
      for (const order of [before, after]) {
        const heard = await awardFirstOrderBonusWorkflow(container).run({ input: { customer_id: shopper.customer.id, order_id: order.id, now: new Date() } })
        expect(heard.result.paid).toBe(false)
      }
      expect(await firstOrderPaid(shopper.customer.id)).toEqual([])
      const totals = (await ledgerTotals(container, shopper.customer.id))!
      expect(totals.cached).toMatchObject({ balance: 50 + 200, pending: 0 })
      expect(totals.ledger).toEqual(totals.cached)
    })

    it("lets staff switch a kind of message off or send it with another template or channel; refuses bad settings with a 400", async () => {
      const container = getContainer()
      const { notifications } = await get(api, "/admin/loyalty/notification-settings", admin.headers)
      expect(notifications.kinds).toHaveLength(10)
      expect(notifications.kinds.find((k: { kind: string }) => k.kind === "points-earned")).toEqual({
        kind: "points-earned",
        event: "loyalty.points.earned",
        enabled: true,
        channel: "email",
        template: "loyalty-points-earned",
        customized: false,
        provider: true,
      })

      const refusals: [unknown, string][] = [
        [{ kinds: [{ kind: "points-spent" }] }, "kind must be one of points-earned"],
        [{ kinds: [{ kind: "points-earned", template: "  " }] }, "Value for field 'kinds, 0, template' too small"],
        [{ kinds: [] }, "Value for field 'kinds' too small"],
        [{ kinds: [{ kind: "points-earned" }, { kind: "points-earned", enabled: false }] }, "each kind may appear only once"],
        [{ kinds: [{ kind: "points-earned", channel: "x".repeat(256) }] }, "Value for field 'kinds, 0, channel' too big"],
      ]
      for (const [body, message] of refusals) {
        const refused = await attempt(api.post("/admin/loyalty/notification-settings", body, { headers: admin.headers }))
        expect(refused.status).toBe(400)
        expect(refused.data.message).toContain(message)
      }
      expect((await attempt(api.post("/admin/loyalty/notification-settings", { kinds: [{ kind: "points-earned", enabled: false }] }))).status).toBe(401)
      // Nothing was saved by the refused requests.
      expect((await get(api, "/admin/loyalty/notification-settings", admin.headers)).notifications).toEqual(notifications)

      const { notifications: saved } = await post(
        api,
        "/admin/loyalty/notification-settings",
        { kinds: [{ kind: "points-earned", enabled: false }, { kind: "points-expiring", template: "expiring-v2" }, { kind: "tier-changed", channel: "sms" }] },
        admin.headers
      )
      const kindOf = (body: { kinds: { kind: string }[] }, kind: string) => body.kinds.find((k) => k.kind === kind)
      expect(kindOf(saved, "points-earned")).toMatchObject({ enabled: false, customized: true })
      expect(kindOf(saved, "points-expiring")).toMatchObject({ enabled: true, template: "expiring-v2", channel: "email", customized: true })
      // The test store has a provider for email only: staff see that an SMS message would not go.
      expect(kindOf(saved, "tier-changed")).toMatchObject({ channel: "sms", provider: false })

      // A new member's welcome points send no message now; their expiry reminder goes with the new template.
      const welcomed = subscribersDone(container, "loyalty.points.earned")
      const shopper = await member("settings@example.com")
      await welcomed
      expect(await notificationsOf(shopper.customer.id)).toEqual([])
      const [account] = await pointsService(container).listAccounts({ customer_id: shopper.customer.id })
      const [lot] = await pointsService(container).listLots({ account_id: account.id })
      const reminded = subscribersDone(container, "loyalty.points.expiring")
      await remindExpiringPointsWorkflow(container).run({ input: { now: new Date(new Date(lot.expires_at!).getTime() - 5 * 24 * 60 * 60 * 1000) } })
      await reminded
      await eventually(async () =>
        expect((await notificationsOf(shopper.customer.id)).map((m) => [m.template, m.channel, m.status])).toEqual([["expiring-v2", "email", "success"]])
      )

      // null goes back to the plugin options' template.
      const { notifications: reset } = await post(api, "/admin/loyalty/notification-settings", { kinds: [{ kind: "points-expiring", template: null }] }, admin.headers)
      expect(kindOf(reset, "points-expiring")).toMatchObject({ template: "loyalty-points-expiring" })
      expect(kindOf(reset, "points-earned")).toMatchObject({ enabled: false })
    })

    it("reads member care's rules once for a workflow's messages, not once per message, and a settings change applies to the messages after it", async () => {
      const container = getContainer()
      const members: Awaited<ReturnType<typeof member>>[] = []
      for (const n of [1, 2, 3, 4]) members.push(await member(`group-read-${n}@example.com`))
      const points = pointsService(container)
      /** Each member's lots not yet announced: one per member, the sign-up lot first, then the adjustment's. */
      const unannounced = async () => {
        const accounts = await points.listAccounts({ customer_id: members.map(({ customer }) => customer.id) })
        const lots = await points.listLots({ account_id: accounts.map((account) => account.id), reminded_at: null }, { take: null })
        expect(lots).toHaveLength(4)
        return lots
      }
      /** Five days before the last of them expires: all four are announced by one run, as one event group. */
      const remindAll = async () => {
        const lots = await unannounced()
        const now = new Date(Math.max(...lots.map((lot) => new Date(lot.expires_at!).getTime())) - 5 * 24 * 60 * 60 * 1000)
        return await countTransactions(container, async () => {
          const handled = subscribersDone(container, "loyalty.points.expiring", { triggerCount: 4 })
          const { result } = await remindExpiringPointsWorkflow(container).run({ input: { now } })
          expect(result.reminded_lots).toBe(4)
          await handled
        })
      }
      const settingsReads = (count: SqlCount) => count.statements.filter((s) => /from "loyalty_notification_setting"/i.test(s))
      const expiringMessages = async () =>
        (await Promise.all(members.map(({ customer }) => notificationsOf(customer.id, "loyalty-points-expiring")))).flat()

      // One read in the workflow (the reminder window), one for its four messages: they share the
      // workflow's event group and arrive together.
      const first = await remindAll()
      expect(settingsReads(first)).toHaveLength(2)
      await eventually(async () => expect(await expiringMessages()).toHaveLength(4))

      // Staff switch the reminders off: the next run's messages read the new settings and none goes.
      await post(api, "/admin/loyalty/notification-settings", { kinds: [{ kind: "points-expiring", enabled: false }] }, admin.headers)
      for (const { customer } of members) {
        await post(api, `/admin/loyalty/accounts/${customer.id}/adjustments`, { points: 10, reason: "goodwill" }, admin.headers)
      }
      const second = await remindAll()
      expect(settingsReads(second)).toHaveLength(2)
      expect(await expiringMessages()).toHaveLength(4)
    })
  },
})
