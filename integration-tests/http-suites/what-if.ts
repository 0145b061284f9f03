import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import fillOrderFactsJob from "../../src/jobs/fill-order-facts"
import { recomputeInsightsWorkflow } from "../../src/workflows/insights"
// The benchmark's bulk generator (plain JS), as the insights suite uses it: a history the models can fit.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { generateOrders } = require("../../bench/lib/generate-orders")
import {
  AdminUser,
  attempt,
  CommerceFixture,
  eventually,
  get,
  placeOrder,
  post,
  registerCustomer,
  StoreHeaders,
} from "../helpers"
import { httpSuite } from "../helpers/one-boot"

/**
 * The what-if replay checked against reality: on a store of known history
 * (two members' orders awarded by the real earn workflow, a guest's order
 * that earns nothing), replaying the rules in force gives exactly the
 * points the ledger issued, and a doubled earn rate doubles them. Bad
 * input is a 400 that says what is wrong; only an admin may ask.
 *
 * The test store earns 1 point per EUR of items before tax (19 % VAT).
 */
export default httpSuite({
  title: "what-if",
  register: ({ api, getContainer, store }) => {
    let fixture: CommerceFixture
    let admin: AdminUser
    let storeHeaders: StoreHeaders
    const period: { from?: string; to?: string } = {}
    const customers: { id: string; headers: Record<string, string> }[] = []

    /** Pending points of a member's order earnings, read from their own ledger. */
    const earnedByLedger = async (headers: Record<string, string>) => {
      const { entries } = await get(api, "/store/loyalty/account/entries?limit=100", headers)
      return entries
        .filter((e: { type: string; order_id: string | null }) => e.type === "pending" && e.order_id)
        .reduce((sum: number, e: { points: number }) => sum + e.points, 0)
    }

    beforeAll(async () => {
      ;({ fixture, admin, storeHeaders } = store())
      period.from = new Date(Date.now() - 1000).toISOString()
      const buy = (email: string, items: { variant_id: string; quantity: number }[], customerHeaders?: Record<string, string>) =>
        placeOrder(api, storeHeaders, {
          customerHeaders,
          email,
          items,
          regionId: fixture.regionId,
          shippingOptionId: fixture.shippingOptionId,
        })
      for (const [email, orders] of [
        ["whatif-ada@example.com", [[{ variant_id: fixture.expensiveVariantId, quantity: 2 }], [{ variant_id: fixture.cheapVariantId, quantity: 3 }]]],
        ["whatif-bo@example.com", [[{ variant_id: fixture.cheapVariantId, quantity: 1 }, { variant_id: fixture.expensiveVariantId, quantity: 1 }]]],
      ] as const) {
        const { customer, headers } = await registerCustomer(api, storeHeaders, { email })
        customers.push({ id: customer.id, headers })
        for (const items of orders) await buy(email, [...items], headers)
        // Each order's award arrives through order.placed.
        await eventually(async () => {
          const { entries } = await get(api, "/store/loyalty/account/entries?limit=100", headers)
          expect(entries.filter((e: { type: string }) => e.type === "pending")).toHaveLength(orders.length)
        })
      }
      // A guest's order is history too, and earns nothing.
      await buy("whatif-guest@example.com", [{ variant_id: fixture.expensiveVariantId, quantity: 1 }])
      period.to = new Date(Date.now() + 60_000).toISOString()
    })

    it("replays the rules in force to exactly what the ledger issued, and a doubled earn rate to twice that", async () => {
      let ledger = 0
      for (const c of customers) ledger += await earnedByLedger(c.headers)
      expect(ledger).toBeGreaterThan(0)

      const { what_if } = await post(api, "/admin/loyalty/what-if", { ...period, program: { earn_rates: { eur: 2 } } }, admin.headers)
      expect(what_if.orders).toBe(4)
      expect(what_if.members).toBe(2)
      expect(what_if.ledger.issued).toBe(ledger)
      expect(what_if.current.issued).toBe(ledger)
      expect(what_if.proposed.issued).toBe(2 * ledger)
      const eur = (side: { by_currency: { currency_code: string }[] }) => side.by_currency.find((c) => c.currency_code === "eur")
      expect(eur(what_if.current)).toMatchObject({ issued: ledger })
      expect(eur(what_if.proposed)).toMatchObject({ issued: 2 * ledger })
      // Nobody has redeemed yet: every point is still outstanding.
      expect(what_if.current).toMatchObject({ redeemed: 0, expired: 0, outstanding: ledger })
      // The most affected customers are the two members, the bigger earner first.
      expect(what_if.most_affected.map((c: { customer_id: string }) => c.customer_id).sort()).toEqual(customers.map((c) => c.id).sort())
      expect(what_if.most_affected[0].delta).toBe(what_if.most_affected[0].current_points)

      // The same replay without a change: both sides equal the ledger.
      const same = (await post(api, "/admin/loyalty/what-if", period, admin.headers)).what_if
      expect(same.current.issued).toBe(ledger)
      expect(same.proposed.issued).toBe(ledger)
    })

    it("replays per-product earning rules line by line, as the award applied them", async () => {
      // From now on the product earns triple; a new member's order earns with the rule.
      await post(api, "/admin/loyalty/earning-rules", { target_type: "product", target_id: fixture.productId, factor: 3 }, admin.headers)
      // The period starts after the suite's own orders (on a fast machine the last of them can be
      // less than a second old), so it holds this test's order only.
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      const last = (await knex("order").max("created_at as latest").first()) as { latest: Date | null } | undefined
      const from = new Date(Math.max(Date.now() - 1000, new Date(last?.latest ?? 0).getTime() + 1)).toISOString()
      const { customer, headers } = await registerCustomer(api, storeHeaders, { email: "whatif-cy@example.com" })
      await placeOrder(api, storeHeaders, {
        customerHeaders: headers,
        email: customer.email,
        items: [{ variant_id: fixture.cheapVariantId, quantity: 2 }],
        regionId: fixture.regionId,
        shippingOptionId: fixture.shippingOptionId,
      })
      const earned = await eventually(async () => {
        const points = await earnedByLedger(headers)
        expect(points).toBeGreaterThan(0)
        return points
      })
      // 2 × 25 EUR × 3.
      expect(earned).toBe(150)
      const { what_if } = await post(
        api,
        "/admin/loyalty/what-if",
        { from, to: new Date(Date.now() + 60_000).toISOString(), program: { earn_rates: { eur: 2 } } },
        admin.headers
      )
      expect(what_if).toMatchObject({ orders: 1, ledger: { issued: 150 } })
      expect(what_if.current.issued).toBe(150)
      expect(what_if.proposed.issued).toBe(300)
    })

    it("looks 12 months ahead under both rules with the fitted BG/NBD and Gamma-Gamma models, with an interval", async () => {
      // 300 customers' three years of orders, written in bulk into Medusa's tables (as the insights suite does):
      // enough repeat buyers for the insights recompute to fit the models. The replay reads them from Medusa's
      // tables once (they were never awarded), then from their earning facts.
      const now = new Date("2030-06-15T12:00:00.000Z")
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      await knex.transaction((trx: { raw: (sql: string) => Promise<{ rows: Record<string, unknown>[] }> }) =>
        generateOrders(async (sql: string) => (await trx.raw(sql)).rows, { customers: 300, now, prefix: "whatif" })
      )
      const { result: run } = await recomputeInsightsWorkflow(getContainer()).run({ input: { now } })
      expect(run).toMatchObject({ status: "succeeded", model: "bgnbd" })

      const period = { from: new Date(now.getTime() - 365 * 24 * 3600 * 1000).toISOString(), to: now.toISOString() }
      const { what_if } = await post(api, "/admin/loyalty/what-if", { ...period, program: { earn_rates: { eur: 2 } } }, admin.headers)
      expect(what_if.facts_filled).toBeGreaterThan(0)
      expect(what_if.orders).toBeGreaterThan(100)
      const forward = what_if.forward
      expect(forward).toMatchObject({ model: "BG/NBD × Gamma-Gamma", run_id: run.id, currency_code: "eur", weeks: 52 })
      expect(forward.members).toBeGreaterThan(30)
      expect(forward.purchases).toBeGreaterThan(0)
      // Both rule sets, each with its interval around the estimate.
      expect(forward.current_points).toBeGreaterThan(0)
      for (const side of ["current", "proposed"] as const) {
        const [low, high] = forward[`${side}_points_interval`]
        expect(low).toBeLessThanOrEqual(forward[`${side}_points`])
        expect(high).toBeGreaterThanOrEqual(forward[`${side}_points`])
        expect(high).toBeGreaterThan(low)
      }
      // Twice the earn rate: twice the points per unit of money, so about twice the points ahead (each order's
      // points are floored, so the replayed rates are not exactly 2 : 1).
      expect(forward.proposed_points / forward.current_points).toBeCloseTo(2, 1)
      expect(Number(forward.proposed_liability)).toBeGreaterThan(Number(forward.current_liability))
      expect(forward.interval).toMatch(/90 % interval/)

      // A second run reads the facts the first one filled, and says the same.
      const again = (await post(api, "/admin/loyalty/what-if", { ...period, program: { earn_rates: { eur: 2 } } }, admin.headers)).what_if
      expect(again.facts_filled).toBe(0)
      expect(again.current.issued).toBe(what_if.current.issued)
      expect(again.forward).toEqual(forward)
    })

    it("fills the facts of orders from before the plugin ahead (a job, in bounded batches), so the next preview reads them", async () => {
      // 40 customers' three years of orders written straight into Medusa's tables, as a store from before the plugin.
      const now = new Date("2030-06-15T12:00:00.000Z")
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      await knex.transaction((trx: { raw: (sql: string) => Promise<{ rows: Record<string, unknown>[] }> }) =>
        generateOrders(async (sql: string) => (await trx.raw(sql)).rows, { customers: 40, now, prefix: "whatiffill" })
      )
      const withoutFacts = async (like = "%") =>
        Number(
          (
            await knex.raw(
              `SELECT count(*) AS n FROM "order" o
                WHERE o.id LIKE ? AND o.deleted_at IS NULL AND o.customer_id IS NOT NULL AND o.is_draft_order = false AND o.status <> 'draft'
                  AND NOT EXISTS (SELECT 1 FROM loyalty_order_fact f WHERE f.order_id = o.id AND f.deleted_at IS NULL)`,
              [like]
            )
          ).rows[0].n
        )
      const before = await withoutFacts()
      expect(await withoutFacts("order_whatiffill%")).toBeGreaterThan(100)
      // The planner's view of the facts table: autovacuum is kept out of it, so only the preview can refresh it.
      const factStats = async () =>
        (
          await knex.raw(
            `SELECT s.n_mod_since_analyze::int AS changed, greatest(c.reltuples, 0)::int AS planned_rows,
                    (SELECT count(*)::int FROM loyalty_order_fact) AS rows
               FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'loyalty_order_fact'`
          )
        ).rows[0] as { changed: number; planned_rows: number; rows: number }
      await knex.raw(`ALTER TABLE loyalty_order_fact SET (autovacuum_enabled = false)`)

      // A run stops at its bound and says it is not done; the next one starts over and finishes.
      expect(await fillOrderFactsJob(getContainer(), { batch: 30, per_run: 100 })).toEqual({ filled: 100, done: false })
      expect(await withoutFacts()).toBe(before - 100)
      expect(await fillOrderFactsJob(getContainer(), { batch: 30 })).toEqual({ filled: before - 100, done: true })
      expect(await withoutFacts()).toBe(0)
      // Nothing is left: a run finds nothing and writes nothing.
      expect(await fillOrderFactsJob(getContainer(), { batch: 30 })).toEqual({ filled: 0, done: true })

      // The job wrote most of the facts table since the planner last looked at it (its counters reach the
      // statistics views within a second of the commit).
      await eventually(async () => {
        const stats = await factStats()
        expect(stats.changed).toBeGreaterThan(0.1 * stats.planned_rows + 50)
      })

      // The preview of the three years now reads every order's facts and fills none; its statement is
      // planned with the facts the job wrote (on a store of 500,000 orders, a stale plan took minutes).
      try {
        const { what_if } = await post(
          api,
          "/admin/loyalty/what-if",
          { from: new Date(now.getTime() - 3 * 366 * 24 * 3600 * 1000).toISOString(), to: now.toISOString() },
          admin.headers
        )
        expect(what_if.facts_filled).toBe(0)
        expect(what_if.orders).toBeGreaterThan(100)
        const stats = await factStats()
        expect(stats.changed).toBe(0)
        expect(stats.planned_rows).toBe(stats.rows)
      } finally {
        await knex.raw(`ALTER TABLE loyalty_order_fact RESET (autovacuum_enabled)`)
      }
    })

    it("answers 400 with the reason on bad input", async () => {
      const bad = async (body: unknown, message: RegExp) => {
        const outcome = await attempt(api.post("/admin/loyalty/what-if", body, { headers: admin.headers }))
        expect(outcome.status).toBe(400)
        expect(outcome.data.message).toMatch(message)
      }
      await bad({ program: { earn_rates: { euro: 1 } } }, /3-letter currency code/)
      await bad({ from: "2026-06-01", to: "2026-01-01" }, /from must be before to/)
      await bad({ program: { earn_rates: { eur: -1 } } }, /between 0/)
      await bad({ surprise: true }, /surprise/)
      await bad({ tiers: [{ name: "Gold", rank: 1, metric: "points", threshold: 10, earn_multiplier: 2 }, { name: "VIP", rank: 1, metric: "points", threshold: 20, earn_multiplier: 3 }] }, /rank/)
    })

    it("is for admins only: a shopper or no one gets 401", async () => {
      expect((await attempt(api.post("/admin/loyalty/what-if", {}, { headers: storeHeaders }))).status).toBe(401)
      expect((await attempt(api.post("/admin/loyalty/what-if", {}, { headers: customers[0].headers }))).status).toBe(401)
    })
  },
})
