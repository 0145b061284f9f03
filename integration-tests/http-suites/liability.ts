import { parse } from "csv-parse/sync"
import { recomputeInsightsWorkflow } from "../../src/workflows/insights"
import { expirePointsWorkflow } from "../../src/workflows/points"
import {
  AdminUser,
  attempt,
  CommerceFixture,
  createShopper,
  eventually,
  get,
  pg,
  placeOrder,
  pointsService,
  post,
  registerCustomer,
  StoreHeaders,
} from "../helpers"
import { httpSuite } from "../helpers/one-boot"

/** The 15th, noon UTC, `back` calendar months before this one: safely inside that month. */
const monthsAgo = (back: number) => {
  const now = new Date()
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 15, 12))
}
const monthOf = (date: Date) => date.toISOString().slice(0, 7)

/**
 * The liability report and the CSV exports on a store of known history:
 *
 * - 3 months ago Ann and Bob were given 1,000 points each; 2 months ago 600 of
 *   Ann's were taken back; last month the rest expired (Ann 400, Bob 1,000).
 *   That settled cohort issued 2,000 points and lost 1,400: a 70 % breakage.
 * - This month Cara got 3,000 points (expiring in 12 months), Dan 1,000
 *   (given while points did not expire), and Cara bought two shirts: 200
 *   points pending.
 * - Point values: 0.01 EUR and 0.015 USD.
 * - For the exports: Eve claimed Cara's referral code, staff made Dan Gold,
 *   and the insights were computed.
 */
export default httpSuite({
  title: "liability and exports",
  register: ({ api, getContainer, store }) => {
    let admin: AdminUser
    let storeHeaders: StoreHeaders
    let fixture: CommerceFixture
    const ids: Record<"ann" | "bob" | "cara" | "dan" | "eve", string> = { ann: "", bob: "", cara: "", dan: "", eve: "" }

    const adjust = (customerId: string, points: number, reason: string) =>
      post(api, `/admin/loyalty/accounts/${customerId}/adjustments`, { points, reason }, admin.headers)

    beforeAll(async () => {
      ;({ admin, storeHeaders, fixture } = store())
      const container = getContainer()
      const knex = pg(container)
      await post(
        api,
        "/admin/loyalty/program",
        { signup_bonus: 0, expiry_months: 12, point_values: { eur: 0.01, usd: 0.015 } },
        admin.headers
      )
      ids.ann = (await createShopper(container, { email: "ann@liability.test" })).id
      ids.bob = (await createShopper(container, { email: "bob@liability.test" })).id
      await adjust(ids.ann, 1000, "Migration gift")
      await adjust(ids.bob, 1000, "Migration gift")
      await adjust(ids.ann, -600, "Goodwill taken back")
      // Their lots expired 40 days ago; the expiry job empties them.
      const oldAccounts = knex("loyalty_account").select("id").whereIn("customer_id", [ids.ann, ids.bob])
      await knex("loyalty_lot").whereIn("account_id", oldAccounts).update({ expires_at: new Date(Date.now() - 40 * 86_400_000) })
      const { result } = await expirePointsWorkflow(container).run({ input: { now: new Date() } })
      expect(result).toEqual({ expired_lots: 2, expired_points: 1400 })
      // Back-date the old history into the months it belongs to (a test cannot wait three months).
      await knex("loyalty_entry").whereIn("account_id", oldAccounts).where("points", ">", 0).update({ created_at: monthsAgo(3) })
      await knex("loyalty_entry").whereIn("account_id", oldAccounts).where({ type: "adjust" }).where("points", "<", 0).update({ created_at: monthsAgo(2) })
      await knex("loyalty_entry").whereIn("account_id", oldAccounts).where({ type: "expire" }).update({ created_at: monthsAgo(1) })

      const cara = await registerCustomer(api, storeHeaders, { email: "cara@liability.test", first_name: "Cara", last_name: "Lind" })
      ids.cara = cara.customer.id
      await adjust(ids.cara, 3000, "Welcome back")
      await post(api, "/admin/loyalty/program", { expiry_months: 0 }, admin.headers)
      ids.dan = (await createShopper(container, { email: "dan@liability.test" })).id
      await adjust(ids.dan, 1000, "Never expires")
      await post(api, "/admin/loyalty/program", { expiry_months: 12 }, admin.headers)
      await placeOrder(api, storeHeaders, {
        customerHeaders: cara.headers,
        email: "cara@liability.test",
        items: [{ variant_id: fixture.expensiveVariantId, quantity: 2 }],
        regionId: fixture.regionId,
        shippingOptionId: fixture.shippingOptionId,
      })
      await eventually(async () => expect((await get(api, "/store/loyalty/account", cara.headers)).account.pending).toBe(200))

      // For the exports: Eve claims Cara's referral code, Dan is made Gold by staff, insights are computed.
      const eve = await registerCustomer(api, storeHeaders, { email: "eve@liability.test" })
      ids.eve = eve.customer.id
      const { code } = await get(api, "/store/loyalty/referral", cara.headers)
      await post(api, "/store/loyalty/referral/claim", { code }, eve.headers)
      const { tier } = await post(api, "/admin/loyalty/tiers", { name: "Gold", metric: "points", threshold: 100_000 }, admin.headers)
      await post(api, `/admin/loyalty/accounts/${ids.dan}/tier/override`, { tier_id: tier.id, reason: "Press contact" }, admin.headers)
      await recomputeInsightsWorkflow(container).run({ input: { now: new Date() } })
    })

    it("reports outstanding points in money per currency, the breakage of the store's own history and the movement per month", async () => {
      const { liability } = await get(api, "/admin/loyalty/liability?months=4", admin.headers)
      expect(liability.points).toEqual({
        available: 4000,
        pending: 200,
        outstanding: 4200,
        debt: 0,
        available_expiring: 3000,
        available_non_expiring: 1000,
        members: 2,
      })
      // 1,400 of 2,000 settled points expired: 70 % of the 3,000 expiring available + 200 pending.
      expect(liability.breakage).toMatchObject({
        window_months: 12,
        cohort_lots: 2,
        cohort_issued: 2000,
        cohort_expired: 1400,
        rate: "0.7000",
        base_points: 3200,
        includes_pending: true,
        expected_points: 2240,
      })
      expect(liability.currencies).toEqual([
        { currency_code: "eur", point_value: "0.01", available: "40.00", pending: "2.00", outstanding: "42.00", expected_breakage: "22.40", deferred_revenue: "19.60" },
        { currency_code: "usd", point_value: "0.015", available: "60.00", pending: "3.00", outstanding: "63.00", expected_breakage: "33.60", deferred_revenue: "29.40" },
      ])
      expect(liability.months).toEqual([
        { month: monthOf(monthsAgo(3)), issued: 2000, redeemed: 0, restored: 0, expired: 0, reversed: 0, adjusted_down: 0, net_change: 2000, outstanding_end: 2000 },
        { month: monthOf(monthsAgo(2)), issued: 0, redeemed: 0, restored: 0, expired: 0, reversed: 0, adjusted_down: 600, net_change: -600, outstanding_end: 1400 },
        { month: monthOf(monthsAgo(1)), issued: 0, redeemed: 0, restored: 0, expired: 1400, reversed: 0, adjusted_down: 0, net_change: -1400, outstanding_end: 0 },
        { month: monthOf(monthsAgo(0)), issued: 4200, redeemed: 0, restored: 0, expired: 0, reversed: 0, adjusted_down: 0, net_change: 4200, outstanding_end: 4200 },
      ])

      // A window too short to hold the settled lots has no history: no breakage is booked.
      const { liability: noHistory } = await get(api, "/admin/loyalty/liability?window_months=1", admin.headers)
      expect(noHistory.breakage).toMatchObject({ cohort_lots: 0, rate: null, expected_points: 0 })
      expect(noHistory.currencies[0]).toMatchObject({ currency_code: "eur", outstanding: "42.00", deferred_revenue: "42.00" })
      expect(noHistory.months).toHaveLength(12)
    })

    it("gives the accountant the same figures as CSV: one line per currency, and the movement per month", async () => {
      const summary = await attempt(api.get("/admin/loyalty/liability?format=csv", { headers: admin.headers }))
      expect(summary.status).toBe(200)
      expect(String(summary.headers["content-type"])).toContain("text/csv")
      expect(String(summary.headers["content-disposition"])).toMatch(/attachment; filename="loyalty-liability-\d{4}-\d{2}-\d{2}\.csv"/)
      const rows = parse(String(summary.data), { columns: true })
      expect(rows.map(({ as_of, ...row }: Record<string, string>) => row)).toEqual([
        {
          currency_code: "eur", point_value: "0.01", available_points: "4000", available_value: "40.00", pending_points: "200",
          pending_value: "2.00", outstanding_points: "4200", outstanding_value: "42.00", breakage_rate: "0.7000",
          breakage_window_months: "12", expected_breakage_points: "2240", expected_breakage_value: "22.40", deferred_revenue: "19.60",
        },
        {
          currency_code: "usd", point_value: "0.015", available_points: "4000", available_value: "60.00", pending_points: "200",
          pending_value: "3.00", outstanding_points: "4200", outstanding_value: "63.00", breakage_rate: "0.7000",
          breakage_window_months: "12", expected_breakage_points: "2240", expected_breakage_value: "33.60", deferred_revenue: "29.40",
        },
      ])
      const movement = await attempt(api.get("/admin/loyalty/liability?format=csv&section=movement&months=2", { headers: admin.headers }))
      expect(parse(String(movement.data), { columns: true })).toEqual([
        { month: monthOf(monthsAgo(1)), issued: "0", redeemed: "0", restored: "0", expired: "1400", reversed: "0", adjusted_down: "0", net_change: "-1400", outstanding_end: "0" },
        { month: monthOf(monthsAgo(0)), issued: "4200", redeemed: "0", restored: "0", expired: "0", reversed: "0", adjusted_down: "0", net_change: "4200", outstanding_end: "4200" },
      ])
    })

    it("refuses bad report parameters with a 400 that says why, and answers 401 without an admin", async () => {
      for (const query of ["months=0", "months=abc", "window_months=121", "format=xml", "section=all", "customer_id=cus_1"]) {
        const response = await attempt(api.get(`/admin/loyalty/liability?${query}`, { headers: admin.headers }))
        expect({ query, status: response.status }).toEqual({ query, status: 400 })
        expect((response.data as { message: string }).message).toBeTruthy()
      }
      const cara = await registerCustomer(api, storeHeaders, { email: "nosy@liability.test" })
      for (const headers of [{}, cara.headers]) {
        expect((await attempt(api.get("/admin/loyalty/liability", { headers }))).status).toBe(401)
        expect((await attempt(api.get("/admin/loyalty/liability?format=csv", { headers }))).status).toBe(401)
      }
    })
    const csv = async (url: string) => {
      const response = await attempt(api.get(url, { headers: admin.headers }))
      expect({ url, status: response.status }).toEqual({ url, status: 200 })
      expect(String(response.headers["content-type"])).toContain("text/csv")
      const text = String(response.data)
      return { header: text.split("\r\n")[0], rows: parse(text, { columns: true }) as Record<string, string>[] }
    }

    it("exports accounts with balances, page after page in key order, each account once", async () => {
      // 1,100 empty accounts more: the export reads 500 at a time, so this crosses three pages.
      await pointsService(getContainer()).createAccounts(
        Array.from({ length: 1100 }, (_, i) => ({ customer_id: `cus_bulk${String(i).padStart(5, "0")}` }))
      )
      const { header, rows } = await csv("/admin/loyalty/exports/accounts")
      expect(header).toBe("customer_id,email,first_name,last_name,balance,pending,debt,lifetime_earned,lifetime_redeemed,created_at")
      // The four members with points, and Eve: claiming a referral code opens the friend's account
      // (marked referred, so their orders' events tell the referrals subscriber to look).
      expect(rows).toHaveLength(1105)
      expect(new Set(rows.map((r) => r.customer_id)).size).toBe(1105)
      const mine = rows.filter((r) => !r.customer_id.startsWith("cus_bulk"))
      const byId = Object.fromEntries(mine.map((r) => [r.customer_id, r]))
      expect(byId[ids.cara]).toMatchObject({ email: "cara@liability.test", first_name: "Cara", last_name: "Lind", balance: "3000", pending: "200", debt: "0" })
      expect(byId[ids.dan]).toMatchObject({ email: "dan@liability.test", balance: "1000", pending: "0" })
      expect(byId[ids.ann]).toMatchObject({ balance: "0", lifetime_earned: "1000" })
      expect(byId[ids.bob]).toMatchObject({ balance: "0", lifetime_earned: "1000" })
      expect(byId[ids.eve]).toMatchObject({ email: "eve@liability.test", balance: "0", pending: "0", lifetime_earned: "0" })
      // The balances add up to the liability report's figures.
      const { liability } = await get(api, "/admin/loyalty/liability", admin.headers)
      expect(rows.reduce((sum, r) => sum + Number(r.balance), 0)).toBe(liability.points.available)
      expect(rows.reduce((sum, r) => sum + Number(r.pending), 0)).toBe(liability.points.pending)
    })

    it("exports the ledger of a period, oldest first, and the whole ledger without one", async () => {
      const lastMonth = monthsAgo(1)
      const first = new Date(Date.UTC(lastMonth.getUTCFullYear(), lastMonth.getUTCMonth(), 1)).toISOString().slice(0, 10)
      const last = new Date(Date.UTC(lastMonth.getUTCFullYear(), lastMonth.getUTCMonth() + 1, 0)).toISOString().slice(0, 10)
      const period = await csv(`/admin/loyalty/exports/entries?from=${first}&to=${last}`)
      expect(period.header).toBe(
        "id,created_at,customer_id,type,points,balance_change,pending_change,debt_change,reason,actor_type,actor_id,reference_type,reference_id,order_id,currency_code,program_version,voided_at"
      )
      expect(period.rows.map((r) => [r.customer_id, r.type, r.points, r.reason]).sort()).toEqual(
        [
          [ids.ann, "expire", "-400", "Points expired"],
          [ids.bob, "expire", "-1000", "Points expired"],
        ].sort()
      )
      const all = await csv("/admin/loyalty/exports/entries")
      const { rows: count } = await pg(getContainer()).raw("SELECT count(*)::int AS n FROM loyalty_entry")
      expect(all.rows).toHaveLength(count[0].n)
      const times = all.rows.map((r) => r.created_at)
      expect(times).toEqual([...times].sort())
      expect(all.rows.filter((r) => r.customer_id === ids.ann).map((r) => Number(r.points))).toEqual([1000, -600, -400])
      expect(all.rows.find((r) => r.type === "pending")).toMatchObject({ customer_id: ids.cara, points: "200", currency_code: "eur" })
      // Staff's words that a spreadsheet would run as a formula are neutralized.
      await post(api, `/admin/loyalty/accounts/${ids.dan}/adjustments`, { points: 1, reason: "=HYPERLINK(\"x\")" }, admin.headers)
      const latest = (await csv("/admin/loyalty/exports/entries")).rows.at(-1)
      expect(latest).toMatchObject({ customer_id: ids.dan, points: "1", reason: "'=HYPERLINK(\"x\")" })
    })

    it("exports referrals, tiers and insights per customer", async () => {
      const referrals = await csv("/admin/loyalty/exports/referrals")
      expect(referrals.header).toBe(
        "id,code,status,referrer_id,referrer_email,referee_id,referee_email,referrer_points,referee_points,order_id,claimed_at,qualified_at,rewarded_at,open_flags,decision,decision_note"
      )
      expect(referrals.rows).toHaveLength(1)
      expect(referrals.rows[0]).toMatchObject({
        status: "claimed", referrer_id: ids.cara, referrer_email: "cara@liability.test", referee_id: ids.eve, referee_email: "eve@liability.test",
      })
      // A period before the claim holds none.
      expect((await csv(`/admin/loyalty/exports/referrals?to=${monthsAgo(1).toISOString()}`)).rows).toEqual([])

      const tiers = await csv("/admin/loyalty/exports/tiers")
      expect(tiers.header).toBe("customer_id,email,first_name,last_name,tier_id,tier_name,tier_rank,earned_tier_name,overridden,qualified_at,qualified_until")
      expect(tiers.rows).toEqual([expect.objectContaining({ customer_id: ids.dan, email: "dan@liability.test", tier_name: "Gold", tier_rank: "1", overridden: "true" })])
      const { tiers: tierList } = await get(api, "/admin/loyalty/tiers", admin.headers)
      expect(tierList.map((t: { name: string; members: number }) => [t.name, t.members])).toEqual([["Gold", 1]])

      const insights = await csv("/admin/loyalty/exports/insights")
      expect(insights.header.split(",").slice(0, 7)).toEqual(["customer_id", "email", "first_name", "last_name", "is_member", "orders_count", "monetary"])
      const caras = insights.rows.find((r) => r.customer_id === ids.cara)
      expect(caras).toMatchObject({ email: "cara@liability.test", is_member: "true", orders_count: "1" })
      const { customers } = await get(api, "/admin/loyalty/insights/customers?limit=200", admin.headers)
      expect(insights.rows.map((r) => r.customer_id).sort()).toEqual(customers.map((c: { customer_id: string }) => c.customer_id).sort())
    })

    it("refuses unknown exports and bad periods with a 400 that says why, and answers 401 without an admin", async () => {
      const cases: [string, RegExp][] = [
        ["/admin/loyalty/exports/everything", /Unknown export "everything": one of accounts, entries, referrals, tiers, insights/],
        ["/admin/loyalty/exports/entries?from=yesterday", /from must be a date/],
        ["/admin/loyalty/exports/entries?to=2026-13-45", /to must be a date/],
        ["/admin/loyalty/exports/entries?from=2026-11-30&to=2026-11-01", /from must be before to/],
        ["/admin/loyalty/exports/accounts?from=2026-11-01", /from and to apply to entries and referrals only/],
        ["/admin/loyalty/exports/entries?limit=5", /limit/],
      ]
      for (const [url, message] of cases) {
        const response = await attempt(api.get(url, { headers: admin.headers }))
        expect({ url, status: response.status }).toEqual({ url, status: 400 })
        expect((response.data as { message: string }).message).toMatch(message)
      }
      const nosy = await registerCustomer(api, storeHeaders, { email: "nosy-export@liability.test" })
      for (const headers of [{}, nosy.headers]) {
        for (const kind of ["accounts", "entries", "referrals", "tiers", "insights"]) {
          expect((await attempt(api.get(`/admin/loyalty/exports/${kind}`, { headers }))).status).toBe(401)
        }
      }
    })
  },
})
