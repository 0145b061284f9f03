import { parse } from "csv-parse/sync"
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
 */
export default httpSuite({
  title: "liability and exports",
  register: ({ api, getContainer, store }) => {
    let admin: AdminUser
    let storeHeaders: StoreHeaders
    let fixture: CommerceFixture
    const ids: Record<"ann" | "bob" | "cara" | "dan", string> = { ann: "", bob: "", cara: "", dan: "" }

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
  },
})
