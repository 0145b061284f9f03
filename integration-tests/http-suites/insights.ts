import { Modules } from "@medusajs/framework/utils"
import { recomputeInsightsWorkflow } from "../../src/workflows/insights"
// The benchmark's bulk generator (plain JS, shared on purpose: the model test reads the same kind of store).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { generateOrders } = require("../../bench/lib/generate-orders")
import {
  AdminUser,
  createPastOrder,
  createShopper,
  daysBefore,
  eventually,
  get,
  insightsService,
  pg,
  pointsService,
  post,
  registerCustomer,
  StoreHeaders,
} from "../helpers"
import { httpSuite } from "../helpers/one-boot"

/** Every recompute in this suite runs as of this moment; the fixture's orders are dated relative to it. */
const NOW = new Date("2030-06-15T12:00:00.000Z")
const ago = (days: number) => daysBefore(NOW, days)

type Shape = { email: string; member: boolean; orders: { days: number; amount: number }[] }

/**
 * Seven customers with known shapes (amounts in EUR, the store's default):
 * - champ: 6 orders of 60 in the last 50 days (frequent, recent)
 * - lapsed: 6 orders of 500, the last 300 days ago (a big spender who left)
 * - fresh: one order of 40 yesterday
 * - regular, twice, once: in between; oldie: a guest's single order 250 days ago
 */
const SHAPES: Record<string, Shape> = {
  champ: { email: "champ@example.com", member: true, orders: [50, 40, 30, 20, 10, 3].map((days) => ({ days, amount: 60 })) },
  lapsed: { email: "lapsed@example.com", member: true, orders: [400, 380, 360, 340, 320, 300].map((days) => ({ days, amount: 500 })) },
  fresh: { email: "fresh@example.com", member: true, orders: [{ days: 1, amount: 40 }] },
  regular: { email: "regular@example.com", member: true, orders: [150, 100, 60].map((days) => ({ days, amount: 80 })) },
  twice: { email: "twice@example.com", member: true, orders: [200, 120].map((days) => ({ days, amount: 50 })) },
  once: { email: "once@example.com", member: true, orders: [{ days: 90, amount: 20 }] },
  oldie: { email: "oldie@example.com", member: false, orders: [{ days: 250, amount: 30 }] },
}

export default httpSuite({
  title: "insights",
  register: ({ api, getContainer, store }) => {
    let admin: AdminUser
    let storeHeaders: StoreHeaders
    const ids: Record<string, string> = {}

    beforeAll(async () => {
      const container = getContainer()
      ;({ admin, storeHeaders } = store())
      for (const [name, shape] of Object.entries(SHAPES)) {
        const customer = await createShopper(container, {
          email: shape.email,
          member: shape.member,
          // Everyone joined long ago except fresh, who joined two days ago.
          createdAt: name === "fresh" ? ago(2) : ago(500),
        })
        ids[name] = customer.id
        for (const order of shape.orders) {
          await createPastOrder(container, { customerId: customer.id, email: shape.email, amount: order.amount, at: ago(order.days) })
        }
      }
      // Noise the recompute must ignore: a canceled order and an order after NOW.
      await createPastOrder(container, { customerId: ids.once, amount: 5000, at: ago(5), status: "canceled" })
      await createPastOrder(container, { customerId: ids.once, amount: 5000, at: daysBefore(NOW, -3) })
    })

    const recompute = async () => {
      const { result } = await recomputeInsightsWorkflow(getContainer()).run({ input: { now: NOW } })
      return result
    }

    const insightOf = async (name: string) => {
      const { insight } = await insightsService(getContainer()).customerInsight(ids[name])
      if (!insight) throw new Error(`no insight for ${name}`)
      return insight
    }

    it("segments customers of known shapes: champion, can't lose, new; says why the models were not fitted", async () => {
      const run = await recompute()
      expect(run).toMatchObject({ status: "succeeded", progress: 1, customers: 7, currency_code: "eur", model: "heuristic" })
      expect(run.model_reason).toBe(
        "Only 7 customers with orders; BG/NBD needs at least 30. Churn risk and CLV use each customer's own pace until then."
      )

      const champ = await insightOf("champ")
      expect(champ).toMatchObject({ rfm_segment: "champions", r_score: 5, f_score: 5, orders_count: 6, monetary: 360, recency_days: 3 })
      expect(champ.churn_risk).toBeLessThan(0.1)

      const lapsed = await insightOf("lapsed")
      expect(lapsed).toMatchObject({ rfm_segment: "cant_lose", r_score: 1, f_score: 5, m_score: 5, monetary: 3000, recency_days: 300 })
      expect(lapsed.churn_risk).toBeGreaterThan(0.9)
      expect(["churned", "at_risk"]).toContain(lapsed.lifecycle_stage)
      expect(lapsed.explanation).toBe(
        `Can't lose: 6 orders worth 3000.00 EUR, last one 300 days ago; churn risk ${Math.round(lapsed.churn_risk! * 100)} % (no order in the next 180 days); 12-month CLV ${lapsed.clv_12m!.toFixed(2)} EUR.`
      )

      const fresh = await insightOf("fresh")
      expect(fresh).toMatchObject({ rfm_segment: "new", lifecycle_stage: "new", orders_count: 1, recency_days: 1 })

      // The canceled order and the one after NOW count nowhere.
      expect(await insightOf("once")).toMatchObject({ orders_count: 1, monetary: 20, rfm_segment: "about_to_sleep", f_score: 1 })
      expect(await insightOf("oldie")).toMatchObject({ is_member: false, rfm_segment: "lost" })

      // Value bands: ranked, so the top 20 % are high.
      expect(lapsed.clv_12m).toBeLessThan(champ.clv_12m!)
      const bands = Object.values(run.summary!.segments as Record<string, number>).reduce((a, b) => a + b, 0)
      expect(bands).toBe(7)
    })

    it("fits BG/NBD × Gamma-Gamma once a store has enough history, and scores every customer with it", async () => {
      const knex = pg(getContainer())
      await knex.transaction((trx: { raw: (sql: string) => Promise<{ rows: Record<string, unknown>[] }> }) =>
        generateOrders(async (sql: string) => (await trx.raw(sql)).rows, { customers: 300, now: NOW, prefix: "model" })
      )
      const run = await recompute()
      expect(run).toMatchObject({ status: "succeeded", model: "bgnbd", model_reason: null, customers: 307 })
      const params = run.params as { bgnbd: Record<string, number>; gamma_gamma: Record<string, number> }
      for (const value of [...Object.values(params.bgnbd), ...Object.values(params.gamma_gamma)]) {
        expect(Number.isFinite(value) && value > 0).toBe(true)
      }
      const { customers } = await insightsService(getContainer()).listRunCustomers(run.id, {}, { limit: 400, offset: 0 })
      expect(customers).toHaveLength(307)
      for (const c of customers) {
        expect(c.churn_risk).toBeGreaterThanOrEqual(0)
        expect(c.churn_risk).toBeLessThanOrEqual(1)
        expect(c.expected_365).toBeGreaterThanOrEqual(c.expected_90!)
        expect(Number.isFinite(c.clv_12m)).toBe(true)
      }
      // Under BG/NBD the lapsed big spender is very likely gone, the champion very likely not.
      expect((await insightOf("lapsed")).churn_risk).toBeGreaterThan(0.8)
      expect((await insightOf("champ")).churn_risk).toBeLessThan(0.2)
      expect((await insightOf("lapsed")).explanation).toMatch(/: 6 orders worth 3000.00 EUR, last one 300 days ago; churn risk \d+ % \(no order in the next 180 days\)/)
      // One-time buyers are not 0 % at risk under BG/NBD: their risk grows with the time since their order (issue 14, defect 3).
      expect((await insightOf("oldie")).churn_risk).toBeGreaterThan((await insightOf("fresh")).churn_risk!)
      expect((await insightOf("oldie")).churn_risk).toBeGreaterThan(0.5)
      // The store's own holdout check: fitted on the history before the last 91 days, predicted vs actual in them (issue 14, validation).
      const validation = (run.params as { validation: { holdout_days: number; predicted: number; actual: number; error: number; customers: number; by_repeat_purchases: { customers: number }[] } }).validation
      const cutoff = new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate()) - 91 * 24 * 3600 * 1000)
      const { rows: [hand] } = await knex.raw(
        `WITH d AS (
           SELECT o.customer_id, (o.created_at AT TIME ZONE 'UTC')::date AS day FROM "order" o
            WHERE o.deleted_at IS NULL AND o.customer_id IS NOT NULL AND o.is_draft_order = false
              AND o.status NOT IN ('draft', 'canceled') AND o.created_at <= ? GROUP BY 1, 2),
         f AS (SELECT customer_id, min(day) AS first FROM d GROUP BY 1)
         SELECT count(DISTINCT d.customer_id)::int AS customers, count(*) FILTER (WHERE d.day > ?::date)::int AS actual
           FROM d JOIN f USING (customer_id) WHERE f.first <= ?::date`,
        [NOW, cutoff, cutoff]
      )
      expect(validation).toMatchObject({ holdout_days: 91, customers: hand.customers, actual: hand.actual })
      expect(validation.predicted).toBeGreaterThan(0)
      expect(validation.error).toBeCloseTo(validation.predicted / validation.actual - 1, 2)
      expect(validation.by_repeat_purchases.reduce((n, g) => n + g.customers, 0)).toBe(hand.customers)
      const { explain } = await get(api, `/admin/loyalty/insights/customers/${ids.champ}`, admin.headers)
      expect(explain.model).toBe("BG/NBD × Gamma-Gamma")
      expect(explain.model_quality).toMatch(/^Fitted on 307 customers; every parameter known to within ±\d+ % \(one standard error\)$/)
    })

    it("gives the same result when recomputed twice, and records segment changes only once", async () => {
      const first = await recompute()
      const second = await recompute()
      const strip = (rows: Record<string, unknown>[]) =>
        rows.map(({ id: _id, run_id: _run, ...rest }) => rest).sort((a, b) => String(a.customer_id).localeCompare(String(b.customer_id)))
      const service = insightsService(getContainer())
      const a = await service.listRunCustomers(first.id, {}, { limit: 100, offset: 0 })
      const b = await service.listRunCustomers(second.id, {}, { limit: 100, offset: 0 })
      expect(b.count).toBe(7)
      expect(strip(b.customers)).toEqual(strip(a.customers))
      expect((first.summary as { segment_changes: number }).segment_changes).toBe(21) // 7 customers × 3 kinds, first time
      expect((second.summary as { segment_changes: number }).segment_changes).toBe(0)
      expect(await service.listKpis(second.id)).toEqual(await service.listKpis(first.id))

      const { history } = await service.customerInsight(ids.lapsed)
      expect(history.map((h) => [h.kind, h.from_value, h.to_value]).sort()).toEqual([
        ["lifecycle", null, "churned"],
        ["matrix", null, "passive"],
        ["rfm", null, "cant_lose"],
      ])
    })

    it("a recompute that fails in scoring leaves none of its rows behind, the KPIs computed beside it included", async () => {
      const knex = pg(getContainer())
      // A fault in the rank stage's write, once the KPI step (which runs beside the scoring) has stored its
      // rows: so the failure has KPI rows of the run to undo.
      await knex.raw(`CREATE FUNCTION test_fail_insight_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          FOR i IN 1..200 LOOP
            EXIT WHEN EXISTS (SELECT 1 FROM loyalty_kpi_snapshot WHERE run_id = NEW.run_id);
            PERFORM pg_sleep(0.05);
          END LOOP;
          RAISE EXCEPTION 'test: insight rows refused (KPI rows of the run: %)',
            (SELECT count(*) FROM loyalty_kpi_snapshot WHERE run_id = NEW.run_id);
        END $$`)
      await knex.raw(`CREATE TRIGGER test_fail_insight_write BEFORE INSERT ON loyalty_customer_insight
        FOR EACH ROW EXECUTE FUNCTION test_fail_insight_write()`)
      // The segment changes, written beside the failing rows, still running when those fail (as on a loaded
      // machine): what they write must not outlive the failed run.
      await knex.raw(`CREATE FUNCTION test_slow_segment_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_sleep(1.5); RETURN NULL; END $$`)
      await knex.raw(`CREATE TRIGGER test_slow_segment_change AFTER INSERT ON loyalty_segment_change
        FOR EACH STATEMENT EXECUTE FUNCTION test_slow_segment_change()`)
      try {
        // The workflow rejects with the step's error as a plain object (Medusa serializes it).
        await expect(recompute()).rejects.toMatchObject({
          message: expect.stringMatching(/test: insight rows refused \(KPI rows of the run: [1-9]\d*\)$/),
        })
      } finally {
        await knex.raw("DROP TRIGGER test_fail_insight_write ON loyalty_customer_insight")
        await knex.raw("DROP FUNCTION test_fail_insight_write()")
        await knex.raw("DROP TRIGGER test_slow_segment_change ON loyalty_segment_change")
        await knex.raw("DROP FUNCTION test_slow_segment_change()")
      }
      const { latest } = await insightsService(getContainer()).latestRuns()
      expect(latest).toMatchObject({ status: "failed", error: "The recompute failed and was rolled back" })
      for (const table of ["loyalty_customer_insight", "loyalty_customer_fact", "loyalty_customer_score", "loyalty_segment_change", "loyalty_kpi_snapshot"]) {
        expect([table, Number((await knex(table).where({ run_id: latest!.id }).count({ n: "*" }))[0].n)]).toEqual([table, 0])
      }
      // The next run is not held up by it.
      expect(await recompute()).toMatchObject({ status: "succeeded", customers: 7 })
    })

    it("mirrors a segment into a customer group: adds its members, removes everyone else", async () => {
      const container = getContainer()
      const customerModule = container.resolve(Modules.CUSTOMER)
      const group = await customerModule.createCustomerGroups({ name: "Win-back" })
      // Someone who is not "can't lose" is in the group already: the mirror removes them.
      await customerModule.addCustomerToGroup({ customer_id: ids.champ, customer_group_id: group.id })

      await post(api, "/admin/loyalty/insights/settings", { segment_groups: { cant_lose: group.id } }, admin.headers)
      const run = await recompute()
      expect((run.summary as { groups: unknown }).groups).toEqual({
        cant_lose: { customer_group_id: group.id, added: 1, removed: 1 },
      })
      const members = async () =>
        (await customerModule.listCustomers({ groups: group.id } as never, { take: 100 })).map((c) => c.id).sort()
      expect(await members()).toEqual([ids.lapsed])

      // The lapsed customer comes back with orders in the last days: they leave the segment and the group.
      for (const days of [6, 4, 2]) {
        await createPastOrder(container, { customerId: ids.lapsed, amount: 500, at: ago(days) })
      }
      const again = await recompute()
      expect((again.summary as { groups: Record<string, { removed: number }> }).groups.cant_lose.removed).toBe(1)
      expect(await members()).toEqual([])
      expect((await insightOf("lapsed")).rfm_segment).not.toBe("cant_lose")
    })

    it("computes monthly KPIs for members and non-members that match a hand count", async () => {
      const container = getContainer()
      const points = pointsService(container)
      await points.updateProgramRules({ point_values: { eur: 0.01 } }, null)
      // June 2030 ledger: 100 + 50 + 10 issued, 40 redeemed, the 10 expired.
      const credit = async (name: string, amount: number, key: string, expiresAt: Date | null) =>
        points.creditPoints({
          customer_id: ids[name],
          type: "earn",
          points: amount,
          idempotency_key: key,
          reason: "test",
          expires_at: expiresAt,
        })
      await credit("champ", 100, "kpi:champ", null)
      await points.debitPoints({ customer_id: ids.champ, type: "redeem", points: 40, idempotency_key: "kpi:redeem", reason: "test" })
      await credit("fresh", 50, "kpi:fresh", null)
      const expiring = await credit("fresh", 10, "kpi:fresh:expiring", ago(5))
      const [lot] = await points.listLots({ entry_id: expiring.entry.id })
      await points.expireLot(lot.id, ago(4))
      await pg(container)("loyalty_entry").update({ created_at: ago(4) })
      // Feedback in June: two promoters and one detractor.
      const feedback = insightsService(container)
      await feedback.createFeedbacks([
        { customer_id: ids.champ, order_id: "order_kpi_1", score: 10 },
        { customer_id: ids.regular, order_id: "order_kpi_2", score: 9 },
        { customer_id: ids.fresh, order_id: "order_kpi_3", score: 5 },
      ])
      await pg(container)("loyalty_feedback").update({ created_at: ago(3) })
      // Referrals champ made in June: two friends claimed the code, one is rewarded.
      const referral = (id: string, referee: string, status: string, rewardedAt: Date | null) => ({
        id, code: "CHAMP1", referrer_id: ids.champ, referee_id: referee, status, flags: "[]", program_version: 1,
        referrer_points: 300, referee_points: 200, min_order_amounts: "{}", claimed_at: ago(8), rewarded_at: rewardedAt,
      })
      await pg(container)("loyalty_referral").insert([
        referral("lref_kpi_1", ids.fresh, "rewarded", ago(2)),
        referral("lref_kpi_2", ids.once, "claimed", null),
      ])

      const run = await recompute()
      const { kpis } = await get(api, "/admin/loyalty/insights/kpis", admin.headers)
      expect(kpis.map((row: { month: string }) => row.month)[0]).toBe("2029-07")
      const june = (cohort: string) => kpis.find((row: { month: string; cohort: string }) => row.month === "2030-06" && row.cohort === cohort).metrics

      // Members in June: champ (10 and 3 days ago, 60 each) and fresh (yesterday, 40).
      expect(june("member")).toMatchObject({
        customers: 6,
        members: 6,
        new_members: 1,
        active_customers: 2,
        active_rate: 0.3333,
        orders: 3,
        revenue: 160,
        average_order_value: 53.33,
        purchase_frequency: 1.5,
        repeat_customers: 1,
        repeat_purchase_rate: 0.5,
        // May: only champ ordered, and champ ordered again in June.
        previous_month_customers: 1,
        retained_customers: 1,
        retention_rate: 1,
        points_issued: 160,
        points_redeemed: 40,
        points_expired: 10,
        redemption_rate: 0.25,
        breakage: 0.2,
        outstanding_points: 110,
        liability: { eur: 1.1 },
        feedback_count: 3,
        nps: 33.3,
        referrals_made: 2,
        referrals_rewarded: 1,
        referral_conversion: 0.5,
      })
      // A rewarded referral is advocacy: it counts in the value score and lifts champ's attitude.
      expect(await insightOf("champ")).toMatchObject({ referrals: 1, matrix_segment: "die_hard" })
      // The guest ordered 250 days ago: nothing in June, and no points.
      expect(june("non_member")).toMatchObject({
        customers: 1,
        members: 0,
        active_customers: 0,
        active_rate: 0,
        orders: 0,
        average_order_value: null,
        points_issued: null,
        liability: null,
        referral_conversion: null,
        nps: null,
      })
      expect(june("all")).toMatchObject({ customers: 7, active_customers: 2, orders: 3, revenue: 160, active_rate: 0.2857 })
      // Months with orders inside the 12-month window (lapsed's first two orders fall before it).
      const orderMonths = kpis
        .filter((row: { cohort: string; metrics: { orders: number } }) => row.cohort === "all" && row.metrics.orders > 0)
        .map((row: { month: string }) => row.month)
      expect(orderMonths).toEqual(["2029-07", "2029-08", "2029-10", "2029-11", "2030-01", "2030-02", "2030-03", "2030-04", "2030-05", "2030-06"])
      expect(run.status).toBe("succeeded")

      // The cards' window: the 30 days up to NOW (not month-to-date), the 30 before it for retention (issue 14, KPI cards).
      const last30 = (run.summary as { last_30_days: { days: number; member: Record<string, unknown>; all: Record<string, unknown> } }).last_30_days
      expect(last30.days).toBe(30)
      // Members: champ (20, 10 and 3 days ago, 60 each; also 30 days ago, in the window before) and fresh (yesterday, 40).
      expect(last30.member).toMatchObject({
        customers: 6,
        new_members: 1,
        active_customers: 2,
        active_rate: 0.3333,
        orders: 4,
        revenue: 220,
        average_order_value: 55,
        repeat_purchase_rate: 0.5,
        previous_month_customers: 1,
        retention_rate: 1,
        points_issued: 160,
        points_redeemed: 40,
        points_expired: 10,
        outstanding_points: 110,
        liability: { eur: 1.1 },
        referrals_made: 2,
        referral_conversion: 0.5,
        feedback_count: 3,
        nps: 33.3,
      })
      expect(last30.all).toMatchObject({ customers: 7, active_customers: 2, orders: 4, revenue: 220 })
    })

    it("an order in a currency with no rate counts as an order but not in the average order value (insights review)", async () => {
      // Champ also orders 1,000 USD in June; the store reports in EUR and has no USD rate.
      await createPastOrder(getContainer(), { customerId: ids.champ, amount: 1000, currency: "usd", at: ago(2) })
      await recompute()
      const { kpis } = await get(api, "/admin/loyalty/insights/kpis", admin.headers)
      const june = kpis.find((row: { month: string; cohort: string }) => row.month === "2030-06" && row.cohort === "member").metrics
      // Four orders by two customers; the revenue and its average come from the three it can value (160 EUR).
      expect(june).toMatchObject({ orders: 4, active_customers: 2, purchase_frequency: 2, revenue: 160, average_order_value: 53.33 })
    })

    it("prices a customer's future orders from the days it could value: a day paid in a currency with no rate is a purchase day, not a 0 in their spend (CLV)", async () => {
      const container = getContainer()
      // Abroad buys as regular does (80 on each of the same three days: 150, 100 and 60 days ago), but pays
      // the last day in USD, which has no rate to EUR.
      const abroad = await createShopper(container, { email: "abroad@example.com", createdAt: ago(500) })
      ids.abroad = abroad.id
      for (const [days, currency] of [[150, "eur"], [100, "eur"], [60, "usd"]] as const) {
        await createPastOrder(container, { customerId: abroad.id, email: "abroad@example.com", amount: 80, currency, at: ago(days) })
      }
      const run = await recompute()
      expect(run).toMatchObject({ status: "succeeded", model: "heuristic", customers: 8 })

      // What the admin shows: the USD day counts for frequency (the same expected orders as regular), and each
      // future order is priced at the 80 of the days that have a value, so the CLV is regular's.
      const view = async (name: string) =>
        (await get(api, `/admin/loyalty/insights/customers/${ids[name]}`, admin.headers)).insight
      const [abroadView, regularView] = [await view("abroad"), await view("regular")]
      expect(abroadView).toMatchObject({ orders_count: 3, purchase_days: 3, monetary: 160, recency_days: 60 })
      expect(abroadView.expected_365).toBe(regularView.expected_365)
      expect(regularView.clv_12m).toBeGreaterThan(0)
      expect(abroadView.clv_12m).toBe(regularView.clv_12m)

      // The run's row, as a developer checks it: the repeat days' mean is over the one repeat day with a value.
      const [row] = await pg(container)("loyalty_customer_insight").where({ run_id: run.id, customer_id: abroad.id })
      expect({ ...row, repeat_mean: Number(row.repeat_mean) }).toMatchObject({
        purchase_days: 3,
        valued_days: 2,
        valued_repeat_days: 1,
        repeat_mean: 80,
      })
    })

    it("recomputes from the admin with progress, lists segments and customers, exports CSV", async () => {
      const { run } = await post(api, "/admin/loyalty/insights/recompute", { as_of: NOW.toISOString() }, admin.headers)
      expect(run).toMatchObject({ status: "running", progress: 0 })
      const done = await eventually(async () => {
        const body = await get(api, `/admin/loyalty/insights/runs/${run.id}`, admin.headers)
        expect(body.run.status).toBe("succeeded")
        return body.run
      }, { timeout: 60_000, interval: 250 })
      expect(done).toMatchObject({ progress: 1, stage: "done", customers: 7 })

      const { segments } = await get(api, "/admin/loyalty/insights/segments", admin.headers)
      const cantLose = segments.rfm.find((row: { segment: string }) => row.segment === "cant_lose")
      expect(cantLose).toMatchObject({ customers: 1, revenue: 3000, label: "Can't lose" })
      expect(cantLose.revenue_share).toBeCloseTo(3000 / 3790, 4)
      expect(cantLose.play).toMatch(/win-back/i)
      expect(segments.matrix.reduce((n: number, row: { customers: number }) => n + row.customers, 0)).toBe(7)

      expect(cantLose.rule).toBe("R 1–2 and F 5: the most frequent buyers, gone quiet")
      const list = await get(api, "/admin/loyalty/insights/customers?rfm_segment=champions&limit=10", admin.headers)
      expect(list.count).toBe(1)
      expect(list.customers.map((c: { email: string }) => c.email)).toEqual(["champ@example.com"])
      expect(list.customers[0]).toMatchObject({ r_score: 5, f_score: 5, m_score: 5 })

      const csv = await api.get("/admin/loyalty/insights/customers?format=csv", { headers: admin.headers })
      expect(csv.headers["content-type"]).toMatch(/text\/csv/)
      const lines = String(csv.data).trim().split("\r\n")
      expect(lines).toHaveLength(8)
      expect(lines[0].split(",").slice(0, 3)).toEqual(["customer_id", "email", "first_name"])
      expect(lines.find((line) => line.includes("lapsed@example.com"))).toMatch(/cant_lose/)

      const { insight, history, explain } = await get(api, `/admin/loyalty/insights/customers/${ids.fresh}`, admin.headers)
      expect(insight).toMatchObject({ rfm_segment: "new", lifecycle_stage: "new", r_score: 5, f_score: 1 })
      expect(history.length).toBe(3)
      // The labels explain themselves: the segment's rule and play, the model and why (issue 14, explainable labels).
      expect(explain).toEqual({
        segment_rule: "One purchase day, first order within the new-customer window (30 days unless set otherwise)",
        segment_play: expect.stringMatching(/^Onboard/),
        lifecycle_play: "Establish: help them to a second order.",
        model: "Fallback: each customer's own pace",
        model_quality: "Only 7 customers with orders; BG/NBD needs at least 30. Churn risk and CLV use each customer's own pace until then.",
      })

      // Bad input names the problem.
      const bad = await api
        .post("/admin/loyalty/insights/settings", { value_weights: { clv: -1 } }, { headers: admin.headers })
        .catch((e: { response: { status: number; data: { message: string } } }) => e.response)
      expect(bad.status).toBe(400)
      const badSegment = await api
        .get("/admin/loyalty/insights/customers?rfm_segment=vip", { headers: admin.headers })
        .catch((e: { response: { status: number } }) => e.response)
      expect(badSegment.status).toBe(400)
      const anonymous = await api
        .get("/admin/loyalty/insights/kpis")
        .catch((e: { response: { status: number } }) => e.response)
      expect(anonymous.status).toBe(401)
    })

    it("sums points past 2³¹ in the KPIs without failing the run (issue 14, defect 5)", async () => {
      const container = getContainer()
      const points = pointsService(container)
      await points.updateProgramRules({ point_values: { eur: 0.01 } }, null)
      // One point per won or yen: two accounts of 1.2 billion points each, 2.4 billion in all (> 2,147,483,647).
      for (const name of ["champ", "fresh"]) {
        await points.creditPoints({
          customer_id: ids[name], type: "earn", points: 1_200_000_000, idempotency_key: `kpi:big:${name}`, reason: "test", expires_at: null,
        })
      }
      await pg(container)("loyalty_entry").update({ created_at: ago(4) })
      const run = await recompute()
      expect(run.status).toBe("succeeded")
      const june = (await insightsService(container).listKpis(run.id)).find((row) => row.month === "2030-06" && row.cohort === "member")!
      expect(june.metrics).toMatchObject({ points_issued: 2_400_000_000, outstanding_points: 2_400_000_000, liability: { eur: 24_000_000 } })
    })

    it("counts neither a compensated (voided) ledger entry nor its counter-entry in points issued or redeemed, nor in a customer's redeemed points", async () => {
      const container = getContainer()
      const points = pointsService(container)
      await points.updateProgramRules({ point_values: { eur: 0.01 } }, null)
      const earned = await points.creditPoints({
        customer_id: ids.champ, type: "earn", points: 500, idempotency_key: "kpi:void:earn", reason: "test", expires_at: null,
      })
      const kept = await points.creditPoints({
        customer_id: ids.champ, type: "earn", points: 300, idempotency_key: "kpi:void:kept", reason: "test", expires_at: null,
      })
      const redeemed = await points.debitPoints({ customer_id: ids.champ, type: "redeem", points: 100, idempotency_key: "kpi:void:redeem", reason: "test" })
      // A workflow that failed after these steps undoes the first earn and the redemption (as checkout compensation does).
      await points.revertEntry(earned.entry.id, "test: compensation")
      await points.revertEntry(redeemed.entry.id, "test: compensation")
      await pg(container)("loyalty_entry").update({ created_at: ago(4) })
      expect(kept.entry.points).toBe(300)

      const run = await recompute()
      const june = (await insightsService(container).listKpis(run.id)).find((row) => row.month === "2030-06" && row.cohort === "member")!
      // What happened for the shopper: 300 points earned, nothing redeemed, 300 outstanding.
      expect(june.metrics).toMatchObject({ points_issued: 300, points_redeemed: 0, outstanding_points: 300, redemption_rate: 0 })
      const last30 = (run.summary as { last_30_days: { member: Record<string, unknown> } }).last_30_days.member
      expect(last30).toMatchObject({ points_issued: 300, points_redeemed: 0, outstanding_points: 300 })
      expect(await insightOf("champ")).toMatchObject({ redeemed_points: 0 })
    })

    it("leaves deleted customers out of the customer list, the CSV and the next run (issue 14, defect 6)", async () => {
      const container = getContainer()
      await recompute()
      await container.resolve(Modules.CUSTOMER).softDeleteCustomers([ids.lapsed])
      // The run made before the deletion no longer shows them, in the list or the export.
      const list = await get(api, "/admin/loyalty/insights/customers?limit=50", admin.headers)
      expect(list.count).toBe(6)
      expect(list.customers.map((c: { email: string }) => c.email)).not.toContain("lapsed@example.com")
      const csv = String((await api.get("/admin/loyalty/insights/customers?format=csv", { headers: admin.headers })).data)
      expect(csv).not.toContain("lapsed@example.com")
      expect(csv).not.toContain(ids.lapsed)
      expect(csv.trim().split("\r\n")).toHaveLength(7)
      // The next run does not count them at all.
      const next = await recompute()
      expect(next.customers).toBe(6)
      expect((await insightsService(container).customerInsight(ids.lapsed)).insight?.run_id).not.toBe(next.id)
    })

    it("takes feedback once per order from its customer, with optional points", async () => {
      const container = getContainer()
      await post(api, "/admin/loyalty/insights/settings", { feedback_points: 25 }, admin.headers)
      const shopper = await registerCustomer(api, storeHeaders, { email: "rater@example.com" })
      const order = await createPastOrder(container, { customerId: shopper.customer.id, amount: 70, at: ago(2), paid: true })
      const other = await createPastOrder(container, { customerId: ids.champ, amount: 70, at: ago(2) })

      const first = await post(api, "/store/loyalty/feedback", { order_id: order.id, score: 9, comment: "Great" }, shopper.headers)
      expect(first).toMatchObject({ feedback: { order_id: order.id, score: 9, comment: "Great" }, points_awarded: 25 })
      const [account] = await pointsService(container).listAccounts({ customer_id: shopper.customer.id }, { take: 1 })
      expect(account?.lifetime_earned).toBeGreaterThanOrEqual(25)

      const fail = (body: unknown, headers: Record<string, string> = shopper.headers) =>
        api.post("/store/loyalty/feedback", body, { headers }).catch((e: { response: { status: number; data: { message: string } } }) => e.response)
      const again = await fail({ order_id: order.id, score: 3 })
      expect(again.status).toBe(422)
      expect(again.data.message).toBe(`Feedback for order ${order.id} was already given`)
      expect((await fail({ order_id: other.id, score: 3 })).status).toBe(404)
      expect((await fail({ order_id: order.id, score: 11 })).status).toBe(400)
      expect((await fail({ order_id: order.id, score: 5 }, storeHeaders)).status).toBe(401)
      // Points once, whatever happens.
      const entries = await pointsService(container).listEntries({ idempotency_key: `feedback:order:${order.id}` })
      expect(entries).toHaveLength(1)
    })
  },
})
