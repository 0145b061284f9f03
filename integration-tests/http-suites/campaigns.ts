import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { CampaignAwardedEventData, LoyaltyEvents } from "../../src/lib/shared/events"
import { awardOrderPointsWorkflow } from "../../src/workflows/points"
import takeBackOnOrderCanceled from "../../src/subscribers/order-canceled-take-backs"
import {
  AdminUser,
  attempt,
  cancelOrder,
  CommerceFixture,
  createShopper,
  eventually,
  get,
  insightsService,
  ledgerTotals,
  pg,
  placeOrder,
  post,
  receiveReturn,
  registerCustomer,
  StoreHeaders,
  subscribersDone,
} from "../helpers"
import { httpSuite } from "../helpers/one-boot"

type Entry = {
  type: string
  points: number
  order_id: string | null
  reason: string
  details: {
    base_points?: number
    line_factors?: Record<string, number>
    campaigns?: { campaign_id: string; version: number; points: number; requested_points: number }[]
  } | null
}

/**
 * Campaigns and per-product earning rules on real orders. The store's time
 * zone is Europe/Berlin (`campaigns.timeZone` in medusa-config.ts), 1 point
 * per EUR. Where the HTTP path is not what is tested, orders are written
 * through Medusa's order module, back-dated to the instant under test, and
 * awarded with the plugin's earn workflow in-process (what `order.placed`
 * runs); cancel and return go through real checkouts and the admin API.
 */
export default httpSuite({
  title: "campaigns",
  // Its orders are the earning reader's test cases (expectEarningReadsAsOrderModule after each test).
  checkOrderReads: true,
  register: ({ api, getContainer, store }) => {
    let fixture: CommerceFixture
    let admin: AdminUser
    let storeHeaders: StoreHeaders
    let giftCollectionId: string
    let giftProductId: string

    beforeAll(async () => {
      const container = getContainer()
      ;({ fixture, admin, storeHeaders } = store())
      const products = container.resolve(Modules.PRODUCT)
      const collection = await products.createProductCollections({ title: "Gift cards", handle: "gift-cards" })
      giftCollectionId = collection.id
      const gift = await products.createProducts({ title: "Gift box", collection_id: collection.id, status: "published" })
      giftProductId = gift.id
    })

    const createCampaign = async (body: Record<string, unknown>) =>
      (await post(api, "/admin/loyalty/campaigns", { status: "live", ...body }, admin.headers)).campaign

    /** An order of a member placed at `at` (module-written, back-dated), awarded as `order.placed` would. */
    const orderAt = async (
      container: MedusaContainer,
      customerId: string,
      at: string,
      items: { unit_price: number; product_id?: string }[] = [{ unit_price: 100, product_id: fixture.productId }]
    ) => {
      const order = await container.resolve(Modules.ORDER).createOrders({
        currency_code: "eur",
        customer_id: customerId,
        email: `${customerId}@example.com`,
        status: "pending",
        items: items.map((item, i) => ({ title: `Item ${i}`, quantity: 1, ...item })),
      })
      await pg(container)("order").where({ id: order.id }).update({ created_at: new Date(at) })
      return order.id
    }
    /** A real checkout of `quantity` 100 EUR shirts by a logged-in member. */
    const buyShirts = (shopper: { headers: Record<string, string>; email: string }, quantity: number) =>
      placeOrder(api, storeHeaders, {
        customerHeaders: shopper.headers,
        email: shopper.email,
        items: [{ variant_id: fixture.expensiveVariantId, quantity }],
        regionId: fixture.regionId,
        shippingOptionId: fixture.shippingOptionId,
      })
    const award = (container: MedusaContainer, orderId: string) =>
      awardOrderPointsWorkflow(container).run({ input: { order_id: orderId } })

    const entriesOf = async (headers: Record<string, string>): Promise<Entry[]> =>
      (await get(api, "/store/loyalty/account/entries?limit=50", headers)).entries

    it("a monthly member day doubles only orders placed on that day in the store's time zone (23:59 and 00:01)", async () => {
      const container = getContainer()
      const created = await createCampaign({
        name: "Member day",
        type: "multiplier",
        value: 2,
        recurrence: { kind: "monthly", days: [8] },
      })
      // No time zone given: the store's.
      expect(created).toMatchObject({ time_zone: "Europe/Berlin", version: 1, effective_status: "live" })
      expect(created.next_occurrences).toHaveLength(5)
      expect(new Date(created.next_occurrences[0].starts_at).toLocaleString("en-GB", { timeZone: "Europe/Berlin" })).toMatch(
        /^08\/\d{2}\/\d{4}, 00:00:00$/
      )

      const { customer, headers } = await registerCustomer(api, storeHeaders, { email: "member-day@example.com" })
      // Berlin is UTC+1 in January.
      const placed = {
        "7th 23:59": await orderAt(container, customer.id, "2026-01-07T22:59:00Z"),
        "8th 00:01": await orderAt(container, customer.id, "2026-01-07T23:01:00Z"),
        "8th 23:59": await orderAt(container, customer.id, "2026-01-08T22:59:00Z"),
        "9th 00:01": await orderAt(container, customer.id, "2026-01-08T23:01:00Z"),
      }
      for (const id of Object.values(placed)) await award(container, id)

      const entries = await entriesOf(headers)
      const pointsOf = (id: string) => entries.find((e) => e.type === "pending" && e.order_id === id)!.points
      expect(Object.fromEntries(Object.entries(placed).map(([when, id]) => [when, pointsOf(id)]))).toEqual({
        "7th 23:59": 100,
        "8th 00:01": 200,
        "8th 23:59": 200,
        "9th 00:01": 100,
      })
      const doubled = entries.find((e) => e.order_id === placed["8th 00:01"])!
      expect(doubled.reason).toMatch(/100 EUR × 1; Member day \(×2\) \+100$/)
      expect(doubled.details!.campaigns).toEqual([
        expect.objectContaining({ campaign_id: created.id, version: 1, points: 100, requested_points: 100 }),
      ])
      const after = (await get(api, `/admin/loyalty/campaigns/${created.id}`, admin.headers)).campaign
      expect(after.results).toMatchObject({ points: 200, orders: 2, customers: 1 })
      // The orders' amounts are money: exact decimal strings per currency, never a float.
      expect(after.results.order_amounts).toEqual({ eur: "200" })

      // The admin's cost estimate of a campaign on past orders (here January 2026), saving nothing.
      const draft = { name: "Member day", type: "multiplier", value: 2, recurrence: { kind: "monthly", days: [8] } }
      const period = { from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" }
      const cost = await post(api, "/admin/loyalty/campaign-cost", { ...draft, ...period }, admin.headers)
      expect(cost).toMatchObject({ time_zone: "Europe/Berlin", truncated: false })
      expect(cost.cost).toEqual({ orders: 4, orders_reached: 2, customers_reached: 1, points: 200, budget_exhausted: false })
      const capped = await post(api, "/admin/loyalty/campaign-cost", { ...draft, ...period, budget_points: 150 }, admin.headers)
      expect(capped.cost).toMatchObject({ orders_reached: 2, points: 150, budget_exhausted: true })
    })

    it("overlapping campaigns follow the stacking policy: best wins, then additive within its cap", async () => {
      const container = getContainer()
      const triple = await createCampaign({ name: "Triple", type: "multiplier", value: 3, priority: 1 })
      await createCampaign({ name: "Double", type: "multiplier", value: 2, priority: 5 })
      await createCampaign({ name: "Big bonus", type: "order_bonus", value: 150 })
      const perEuro = await createCampaign({
        name: "Euro bonus",
        type: "amount_bonus",
        rates: { EUR: 1 },
        stacking: "additive",
        stack_cap: 3.5,
      })
      const customer = await createShopper(container, { email: "stacking@example.com" })
      const orderId = await orderAt(container, customer.id, new Date().toISOString())
      const { result } = await award(container, orderId)

      // Base 100; best of ×3 (+200), ×2 (+100), +150: ×3; the euro bonus (+100) held to 3.5 × 100 = 350.
      expect(result!.entry.points).toBe(350)
      expect(result!.entry.details).toMatchObject({
        base_points: 100,
        campaigns: [
          expect.objectContaining({ campaign_id: triple.id, points: 200 }),
          expect.objectContaining({ campaign_id: perEuro.id, points: 50, requested_points: 50 }),
        ],
      })
      expect((result!.entry.details as Entry["details"])!.campaigns).toHaveLength(2)
    })

    it("the budget and the per-customer cap hold under 20 concurrent orders", async () => {
      const container = getContainer()
      const campaign = await createCampaign({
        name: "Launch bonus",
        type: "order_bonus",
        value: 50,
        budget_points: 500,
        per_customer_cap: 150,
      })
      const shoppers = await Promise.all(
        [1, 2, 3, 4].map((n) => createShopper(container, { email: `budget-${n}@example.com` }))
      )
      const awarded: CampaignAwardedEventData[] = []
      const eventBus = container.resolve(Modules.EVENT_BUS)
      const listener = async (event: { data: unknown }) => {
        awarded.push(event.data as CampaignAwardedEventData)
      }
      eventBus.subscribe(LoyaltyEvents.CAMPAIGN_AWARDED, listener, { subscriberId: "test-campaign-awarded" })
      const now = new Date().toISOString()
      const orders: { customerId: string; orderId: string }[] = []
      for (const shopper of shoppers) {
        for (let i = 0; i < 5; i++) orders.push({ customerId: shopper.id, orderId: await orderAt(container, shopper.id, now) })
      }
      await Promise.all(orders.map(({ orderId }) => award(container, orderId)))

      const bonusOf = async (customerId: string) => {
        const totals = (await ledgerTotals(container, customerId))!
        expect(totals.cached).toEqual(totals.ledger)
        const entries = totals.entries as unknown as Entry[]
        expect(entries).toHaveLength(5)
        return entries.reduce(
          (sum, e) => sum + (e.details?.campaigns ?? []).reduce((s, c) => s + c.points, 0),
          0
        )
      }
      const bonuses = await Promise.all(shoppers.map((s) => bonusOf(s.id)))
      // 4 shoppers × 3 orders within the cap would be 600: the budget stops it at 500, never a point more.
      expect(bonuses.every((b) => b <= 150 && b % 50 === 0)).toBe(true)
      expect(bonuses.reduce((a, b) => a + b, 0)).toBe(500)
      const after = (await get(api, `/admin/loyalty/campaigns/${campaign.id}`, admin.headers)).campaign
      expect(after).toMatchObject({ spent_points: 500, budget_left: 0, results: { points: 500, orders: 10 } })
      // A replayed earning reserves nothing twice.
      await award(container, orders[0].orderId)
      expect((await get(api, `/admin/loyalty/campaigns/${campaign.id}`, admin.headers)).campaign.spent_points).toBe(500)
      // The budget cannot be set below what was issued: a 400, nothing changed.
      const lowered = await attempt(
        api.post(`/admin/loyalty/campaigns/${campaign.id}`, { budget_points: 100 }, { headers: admin.headers })
      )
      expect(lowered.status).toBe(400)
      expect(lowered.data.message).toContain("budget_points cannot be below the 500 points the campaign has already issued")
      // One event per order that got points; the one that spent the budget's last points says so.
      await eventually(async () => expect(awarded).toHaveLength(10))
      eventBus.unsubscribe(LoyaltyEvents.CAMPAIGN_AWARDED, listener, { subscriberId: "test-campaign-awarded" })
      expect(awarded.filter((e) => e.budget_exhausted)).toHaveLength(1)
      expect(awarded.every((e) => e.points === 50)).toBe(true)
    })

    it("a campaign's budget and cap count only points its orders keep: an award re-run after the campaign started reserves nothing, a canceled order gives its share back (campaigns review)", async () => {
      const container = getContainer()
      const { customer, headers } = await registerCustomer(api, storeHeaders, { email: "campaign-kept@example.com" })
      const hourAgo = new Date(Date.now() - 3_600_000).toISOString()
      // Awarded before the campaign existed: 100 base points and nothing more.
      const early = await orderAt(container, customer.id, hourAgo)
      expect((await award(container, early)).result!.entry.points).toBe(100)

      // The campaign is then set up to have started two hours ago, so the early order falls in its window.
      const campaign = await createCampaign({
        name: "Kept bonus",
        type: "order_bonus",
        value: 50,
        budget_points: 1000,
        per_customer_cap: 100,
        starts_at: new Date(Date.now() - 7_200_000).toISOString(),
      })
      const campaignNow = async () => (await get(api, `/admin/loyalty/campaigns/${campaign.id}`, admin.headers)).campaign
      // A redelivered `order.placed` (or the catch-up) runs the award again: the order earned already,
      // so nothing is issued, and nothing may be counted against the budget or the cap either.
      const { result: replay } = await award(container, early)
      expect(replay!.created).toBe(false)
      expect(await campaignNow()).toMatchObject({ spent_points: 0, budget_left: 1000, results: { points: 0, orders: 0 } })

      const buy = () => buyShirts({ headers, email: customer.email }, 1)
      const pendingIs = (points: number) =>
        eventually(async () => expect((await get(api, "/store/loyalty/account", headers)).account.pending).toBe(points))
      // 100 EUR each: 100 base + 50 from the campaign, twice, which fills the customer's cap of 100.
      const { order: first } = await buy()
      await pendingIs(100 + 150)
      await buy()
      await pendingIs(100 + 300)
      expect(await campaignNow()).toMatchObject({ spent_points: 100, results: { points: 100, orders: 2 } })

      // The first is canceled: its 150 points go back, and its 50 no longer count against budget or cap.
      const canceled = subscribersDone(container, "order.canceled")
      await cancelOrder(api, admin.headers, first.id)
      await canceled
      await pendingIs(100 + 150)
      expect(await campaignNow()).toMatchObject({ spent_points: 50, budget_left: 950, results: { points: 50, orders: 1 } })
      // So the next order earns the campaign's bonus again, up to the cap.
      await buy()
      await pendingIs(100 + 300)
      expect(await campaignNow()).toMatchObject({ spent_points: 100, results: { points: 100, orders: 2 } })
      // A redelivered cancel gives nothing back twice.
      await takeBackOnOrderCanceled({ event: { name: "order.canceled", data: { id: first.id } }, container, pluginOptions: {} })
      expect(await campaignNow()).toMatchObject({ spent_points: 100, results: { points: 100, orders: 2 } })
    })

    it("excluded products earn nothing, campaign points included; the cart preview lists the live campaigns", async () => {
      const container = getContainer()
      const rule = await post(
        api,
        "/admin/loyalty/earning-rules",
        { target_type: "collection", target_id: giftCollectionId, factor: 0, note: "gift cards are money" },
        admin.headers
      )
      expect(rule.earning_rule).toMatchObject({ target_type: "collection", factor: 0 })
      const campaign = await createCampaign({ name: "Double everything", type: "multiplier", value: 2 })

      const { customer, headers } = await registerCustomer(api, storeHeaders, { email: "excluded@example.com" })
      const orderId = await orderAt(container, customer.id, new Date().toISOString(), [
        { unit_price: 100, product_id: fixture.productId },
        { unit_price: 80, product_id: giftProductId },
      ])
      await award(container, orderId)
      const entry = (await entriesOf(headers)).find((e) => e.order_id === orderId)!
      // Only the shirt earns: 100 × 1, doubled.
      expect(entry.points).toBe(200)
      expect(Object.values(entry.details!.line_factors!)).toEqual([0])

      // The shopper's cart shows what completing it earns and which campaign adds what.
      const { cart } = await post(api, "/store/carts", { region_id: fixture.regionId }, headers)
      await post(api, `/store/carts/${cart.id}/line-items`, { variant_id: fixture.expensiveVariantId, quantity: 1 }, headers)
      const { loyalty } = await get(api, `/store/carts/${cart.id}/loyalty`, headers)
      expect(loyalty.points_to_earn).toBe(200)
      expect(loyalty.campaigns).toEqual([
        { campaign_id: campaign.id, name: "Double everything", type: "multiplier", value: 2, points: 100 },
      ])
    })

    it("a segment-targeted campaign reaches only that segment", async () => {
      const container = getContainer()
      await createCampaign({ name: "Win back", type: "order_bonus", value: 40, segments: ["at_risk"] })
      const atRisk = await createShopper(container, { email: "at-risk@example.com" })
      const champion = await createShopper(container, { email: "champion@example.com" })
      // The latest finished insights run puts one in "at_risk", the other in "champions".
      const insights = insightsService(container)
      const now = new Date()
      const run = await insights.createInsightRuns({ status: "succeeded", as_of: now, started_at: now, finished_at: now })
      const facts = {
        run_id: run.id,
        orders_count: 4,
        purchase_days: 4,
        valued_days: 4,
        valued_repeat_days: 3,
        first_order_at: now,
        last_order_at: now,
        recency_days: 100,
        tx_days: 300,
        age_days: 400,
        monetary: 400,
        monetary_by_currency: { eur: 400 },
        repeat_mean: 100,
        recent_spend: 0,
        prior_spend: 400,
      }
      await insights.createCustomerInsights([
        { ...facts, customer_id: atRisk.id, rfm_segment: "at_risk" },
        { ...facts, customer_id: champion.id, rfm_segment: "champions" },
      ])

      const at = now.toISOString()
      const [riskOrder, championOrder] = [await orderAt(container, atRisk.id, at), await orderAt(container, champion.id, at)]
      const risk = (await award(container, riskOrder)).result!.entry
      const other = (await award(container, championOrder)).result!.entry
      expect([risk.points, other.points]).toEqual([140, 100])
    })

    it("a canceled or returned order gives back its campaign points at the campaign's original terms", async () => {
      const container = getContainer()
      const campaign = await createCampaign({ name: "Double days", type: "multiplier", value: 2 })
      const { customer, headers } = await registerCustomer(api, storeHeaders, { email: "reversal@example.com" })
      const buy = () => buyShirts({ headers, email: customer.email }, 2)
      const { order: toCancel } = await buy()
      const { order: toReturn } = await buy()
      // 200 EUR of items each: 200 base + 200 from the campaign.
      await eventually(async () => {
        expect((await get(api, "/store/loyalty/account", headers)).account.pending).toBe(800)
      })

      // The merchant makes the campaign ×5 afterwards: version 2, which the orders did not earn with.
      const revised = (await post(api, `/admin/loyalty/campaigns/${campaign.id}`, { value: 5 }, admin.headers)).campaign
      expect(revised).toMatchObject({ version: 2, value: 5 })

      const canceled = subscribersDone(container, "order.canceled")
      await cancelOrder(api, admin.headers, toCancel.id)
      await canceled
      const returned = subscribersDone(container, "order.return_received")
      const shirt = toReturn.items!.find((item) => item.variant_id === fixture.expensiveVariantId)!
      await receiveReturn(api, admin.headers, {
        orderId: toReturn.id,
        items: [{ id: shirt.id, quantity: 1 }],
        locationId: fixture.stockLocationId,
      })
      await returned

      const entries = await entriesOf(headers)
      const reversed = (orderId: string) =>
        entries.filter((e) => e.order_id === orderId && e.type === "reverse").reduce((sum, e) => sum + e.points, 0)
      // Cancel: all 400 back (not 1000 at ×5); return of one of two shirts: 100 base + 100 campaign.
      expect(reversed(toCancel.id)).toBe(-400)
      expect(reversed(toReturn.id)).toBe(-200)
      expect((await get(api, "/store/loyalty/account", headers)).account.pending).toBe(200)
    })

    it("refuses rates and multipliers past their maxima with a 400 saying the maximum; an order worth more than 100,000,000 points earns that many, and its entry says so", async () => {
      const refuse = async (body: Record<string, unknown>) => {
        const response = await attempt(api.post("/admin/loyalty/campaigns", { name: "Too much", ...body }, { headers: admin.headers }))
        return { status: response.status, message: (response.data as { message: string }).message }
      }
      expect(await refuse({ type: "amount_bonus", rates: { eur: 1_000_000_000 } })).toEqual({
        status: 400,
        message: "Invalid request: rates: the EUR rate must be between 0 and 1000 points per unit",
      })
      expect(await refuse({ type: "order_bonus", value: 10, min_order_amounts: { eur: 2e9 } })).toEqual({
        status: 400,
        message: "Invalid request: min_order_amounts: the EUR amount must be between 0 and 1000000000",
      })
      expect(await refuse({ type: "multiplier", value: 1000 })).toEqual({
        status: 400,
        message: "a multiplier campaign's value must be at most 100",
      })
      expect((await get(api, "/admin/loyalty/campaigns", admin.headers)).campaigns).toEqual([])

      const container = getContainer()
      const bonus = await createCampaign({ name: "Big spender", type: "amount_bonus", rates: { eur: 1000 } })
      const { customer, headers } = await registerCustomer(api, storeHeaders, { email: "big-spender@example.com" })
      // 2,200,000 EUR: 2.2 million base points and 2.2 billion from the campaign, more than a 32-bit column holds.
      const orderId = await orderAt(container, customer.id, new Date().toISOString(), [{ unit_price: 2_200_000, product_id: fixture.productId }])
      await award(container, orderId)
      const entry = (await entriesOf(headers)).find((e) => e.type === "pending" && e.order_id === orderId)!
      expect(entry.points).toBe(100_000_000)
      expect(entry.reason).toMatch(/Big spender \+97800000; 2202200000 points, capped at 100000000 per order$/)
      expect(entry.details).toMatchObject({
        base_points: 2_200_000,
        uncapped_points: 2_202_200_000,
        campaigns: [expect.objectContaining({ campaign_id: bonus.id, points: 97_800_000, requested_points: 97_800_000 })],
      })
      expect((await get(api, `/admin/loyalty/campaigns/${bonus.id}`, admin.headers)).campaign).toMatchObject({
        spent_points: 97_800_000,
        results: { points: 97_800_000 },
      })
      expect((await ledgerTotals(container, customer.id))!.cached.pending).toBe(100_000_000)

      // A campaign without a budget counts every order's points: past 2³¹ in time (here its first award made
      // 2,147,000,000 points), its spent points and results keep counting, and the next order still earns.
      await pg(container)("loyalty_campaign_award").where({ campaign_id: bonus.id }).update({ requested_points: 2_147_000_000, points: 2_147_000_000 })
      // (Its raw JSON is set from the column by the next award's update.)
      await pg(container)("loyalty_campaign").where({ id: bonus.id }).update({ spent_points: 2_147_000_000 })
      const next = await orderAt(container, customer.id, new Date().toISOString(), [{ unit_price: 2_200_000, product_id: fixture.productId }])
      await award(container, next)
      expect((await entriesOf(headers)).find((e) => e.type === "pending" && e.order_id === next)!.points).toBe(100_000_000)
      expect((await get(api, `/admin/loyalty/campaigns/${bonus.id}`, admin.headers)).campaign).toMatchObject({
        spent_points: 2_244_800_000,
        results: { points: 2_244_800_000, orders: 2 },
      })
    })

    it("refuses bad campaigns with a 400 naming the problem, unknown ones with a 404, and non-admins with a 401", async () => {
      const bad = async (body: Record<string, unknown>) =>
        attempt(api.post("/admin/loyalty/campaigns", { name: "Bad", type: "multiplier", value: 2, ...body }, { headers: admin.headers }))
      const zone = await bad({ time_zone: "Mars/Olympus" })
      expect(zone.status).toBe(400)
      expect(zone.data.message).toContain('"Mars/Olympus" is not a known IANA time zone')
      const flat = await bad({ value: 1 })
      expect(flat.status).toBe(400)
      expect(flat.data.message).toContain("multiplier campaign's value must be above 1")
      expect((await bad({ recurrence: { kind: "monthly", days: [32] } })).status).toBe(400)
      expect((await bad({ colour: "red" })).status).toBe(400)
      expect((await bad({ min_order_amounts: { euro: 5 } })).status).toBe(400)
      expect((await attempt(api.get("/admin/loyalty/campaigns/lcmp_missing", { headers: admin.headers }))).status).toBe(404)
      expect((await attempt(api.post("/admin/loyalty/campaigns/lcmp_missing", { value: 3 }, { headers: admin.headers }))).status).toBe(404)
      expect((await attempt(api.get("/admin/loyalty/campaigns"))).status).toBe(401)
      expect((await get(api, "/admin/loyalty/campaigns", admin.headers)).campaigns).toEqual([])

      // Deleting: an unknown campaign or earning rule is a 404; one deleted is gone, and deleting it again is a 404.
      const remove = (path: string) => attempt(api.delete(path, { headers: admin.headers }))
      expect((await remove("/admin/loyalty/campaigns/lcmp_missing")).status).toBe(404)
      expect((await remove("/admin/loyalty/earning-rules/lern_missing")).status).toBe(404)
      const shortLived = await createCampaign({ name: "Short-lived", type: "multiplier", value: 2 })
      const rule = (await post(api, "/admin/loyalty/earning-rules", { target_type: "product", target_id: fixture.productId, factor: 2 }, admin.headers))
        .earning_rule
      expect((await remove(`/admin/loyalty/campaigns/${shortLived.id}`)).data).toEqual({ id: shortLived.id, object: "loyalty_campaign", deleted: true })
      expect((await remove(`/admin/loyalty/earning-rules/${rule.id}`)).data).toEqual({ id: rule.id, object: "loyalty_earning_rule", deleted: true })
      expect((await get(api, "/admin/loyalty/campaigns", admin.headers)).campaigns).toEqual([])
      expect((await get(api, "/admin/loyalty/earning-rules", admin.headers)).earning_rules.map((r: { id: string }) => r.id)).not.toContain(rule.id)
      expect((await remove(`/admin/loyalty/campaigns/${shortLived.id}`)).status).toBe(404)
      expect((await remove(`/admin/loyalty/earning-rules/${rule.id}`)).status).toBe(404)

      const preview = await post(
        api,
        "/admin/loyalty/campaign-preview",
        { recurrence: { kind: "yearly", dates: ["12-24"] }, count: 2 },
        admin.headers
      )
      expect(preview.time_zone).toBe("Europe/Berlin")
      expect(preview.occurrences).toHaveLength(2)
      expect(new Date(preview.occurrences[0].starts_at).toLocaleString("en-GB", { timeZone: "Europe/Berlin" })).toMatch(
        /^24\/12\/\d{4}, 00:00:00$/
      )
    })
  },
})
