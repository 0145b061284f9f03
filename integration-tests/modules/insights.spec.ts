import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { moduleTestDbName } from "../helpers/module-db"
import { defaultInsightSettings, RFM_SEGMENTS } from "../../src/lib/insights/rules"
import { CustomerOrderFacts, LOYALTY_INSIGHTS_MODULE } from "../../src/modules/loyalty-insights"
import LoyaltyInsightsModuleService from "../../src/modules/loyalty-insights/service"
import { insertScores } from "../../src/modules/loyalty-insights/sql"
import { CALIBRATION_END, cdnowTransactions } from "../helpers/cdnow"

jest.setTimeout(180_000)

const DAY_MS = 24 * 60 * 60 * 1000
const settings = defaultInsightSettings()

/**
 * One customer's order facts as the aggregation stage writes them, from the
 * days (before `now`) and amounts of their purchase days (null: a day paid in
 * a currency with no rate, which has no value).
 */
function factsRow(runId: string, customerId: string, now: Date, purchases: { daysAgo: number; amount: number | null }[]) {
  const sorted = [...purchases].sort((a, b) => b.daysAgo - a.daysAgo) // oldest first
  const first = sorted[0]
  const last = sorted[sorted.length - 1]
  const valued = (rows: { amount: number | null }[]) => rows.filter((row) => row.amount !== null)
  const repeats = valued(sorted.slice(1))
  const sum = (rows: { amount: number | null }[]) => rows.reduce((total, row) => total + (row.amount ?? 0), 0)
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS)
  return {
    run_id: runId,
    customer_id: customerId,
    is_member: true,
    orders_count: sorted.length,
    purchase_days: sorted.length,
    first_order_at: at(first.daysAgo),
    last_order_at: at(last.daysAgo),
    recency_days: last.daysAgo,
    tx_days: first.daysAgo - last.daysAgo,
    age_days: first.daysAgo,
    monetary: sum(sorted),
    monetary_by_currency: { eur: sum(sorted) },
    valued_days: valued(sorted).length,
    valued_repeat_days: repeats.length,
    repeat_mean: repeats.length ? sum(repeats) / repeats.length : 0,
    recent_spend: sum(sorted.filter((p) => p.daysAgo < 90)),
    prior_spend: sum(sorted.filter((p) => p.daysAgo >= 90 && p.daysAgo < 180)),
    gap_before_last: sorted.length > 1 ? sorted[sorted.length - 2].daysAgo - last.daysAgo : null,
  }
}

/** A facts row as the aggregation step hands it to the module (money as exact decimal strings). */
function asOrderFacts({ run_id: _runId, ...row }: ReturnType<typeof factsRow>): CustomerOrderFacts {
  return {
    ...row,
    monetary: String(row.monetary),
    monetary_by_currency: JSON.stringify(row.monetary_by_currency),
    repeat_mean: String(row.repeat_mean),
    recent_spend: String(row.recent_spend),
    prior_spend: String(row.prior_spend),
    referrals: 0,
    redeemed_points: 0,
    cal_purchase_days: null,
    cal_tx_days: null,
    cal_age_days: null,
    holdout_purchase_days: null,
  }
}

/**
 * The insights module on its own tables: a run's order facts are written as
 * the aggregation stage writes them (`insertCustomerFacts`), and `scoreRun` turns
 * them into scores, segments, churn risk and CLV. Stores of known shapes.
 */
moduleIntegrationTestRunner<LoyaltyInsightsModuleService>({
  moduleName: LOYALTY_INSIGHTS_MODULE,
  dbName: moduleTestDbName(LOYALTY_INSIGHTS_MODULE),
  resolve: "./src/modules/loyalty-insights",
  testSuite: ({ service, MikroOrmWrapper }) => {
    const knex = () => MikroOrmWrapper.getManager().getKnex()
    const NOW = new Date("2030-06-15T00:00:00.000Z")

    /** Open a run, write the facts, score, mark it succeeded (as the workflow's last step does). */
    async function scoreStore(rows: (runId: string) => ReturnType<typeof factsRow>[], now = NOW) {
      const run = await service.startRun({ as_of: now })
      const facts = rows(run.id)
      for (let i = 0; i < facts.length; i += 1000) {
        await service.insertCustomerFacts(run.id, now, facts.slice(i, i + 1000).map(asOrderFacts))
      }
      const result = await service.scoreRun({ run_id: run.id, now, currency_code: "eur", settings })
      await service.updateRun(run.id, { status: "succeeded", finished_at: new Date(), stage: "done", progress: 1 })
      const insights = await service.listCustomerInsights({ run_id: run.id }, { take: 10_000 })
      return { run, result, insights }
    }

    it("rejects a boundary BG/NBD fit (nobody ever drops out) and scores churn by recency instead, saying why (issue 14, defect 1)", async () => {
      // 200 repeat buyers who all still buy at their own pace, and 60 one-time buyers of all ages.
      let seed = 11
      const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
      const { run, result, insights } = await scoreStore((runId) => {
        const rows: ReturnType<typeof factsRow>[] = []
        for (let i = 0; i < 200; i++) {
          const age = 70 + Math.floor(random() * 280)
          const gap = 7 + Math.floor(random() * 40)
          const purchases: { daysAgo: number; amount: number }[] = []
          for (let d = age; d >= 0; d -= gap) purchases.push({ daysAgo: d, amount: 20 + Math.floor(random() * 80) })
          rows.push(factsRow(runId, `cus_regular_${i}`, NOW, purchases))
        }
        for (let i = 0; i < 60; i++) {
          rows.push(factsRow(runId, `cus_once_${i}`, NOW, [{ daysAgo: 5 + i * 6, amount: 40 }]))
        }
        return rows
      })
      expect(result.model.kind).toBe("heuristic")
      expect(result.model.kind === "heuristic" && result.model.reason).toMatch(
        /^The BG\/NBD fit ended on the edge of its parameters \(a = .*, b = .*\).*; churn risk and CLV use each customer's own pace instead, which reads recency\.$/
      )
      const rejected = (result.params as { rejected: { bgnbd: { a: number; b: number } } }).rejected
      expect(rejected.bgnbd.a / (rejected.bgnbd.a + rejected.bgnbd.b)).toBeLessThan(1e-3)

      // Churn follows recency: one-time buyers of a year ago are gone, those of last month are not (yet).
      const byId = new Map(insights.map((row) => [row.customer_id, row]))
      expect(byId.get("cus_once_59")!.churn_risk).toBeGreaterThan(0.8)
      expect(byId.get("cus_once_59")!.lifecycle_stage).toBe("churned")
      expect(byId.get("cus_once_4")!.churn_risk).toBeLessThan(byId.get("cus_once_59")!.churn_risk!)
      const churn = insights.map((row) => row.churn_risk!)
      expect(Math.max(...churn)).toBeGreaterThan(0.8)
      const summary = await service.segmentSummary(run.id)
      const lost = summary.rfm.find((row) => row.segment === "lost")!
      expect(lost.average_churn_risk).toBeGreaterThan(0.5)
    })

    /** CDNOW's customers up to the end of its calibration period, as facts rows. */
    function cdnowFacts(runId: string) {
      const byCustomer = new Map<string, Map<number, number>>()
      const endDay = Math.floor(CALIBRATION_END.getTime() / DAY_MS)
      for (const t of cdnowTransactions()) {
        const day = Math.floor(t.at.getTime() / DAY_MS)
        if (day > endDay) continue
        const days = byCustomer.get(t.customer_id) ?? new Map<number, number>()
        days.set(endDay - day, (days.get(endDay - day) ?? 0) + t.amount)
        byCustomer.set(t.customer_id, days)
      }
      return [...byCustomer].map(([id, days]) =>
        factsRow(runId, `cus_cdnow_${id}`, CALIBRATION_END, [...days].map(([daysAgo, amount]) => ({ daysAgo, amount })))
      )
    }

    it("on CDNOW: fits BG/NBD, one-time buyers' churn grows with recency and agrees with lifecycle (issue 14, defect 3), R, F and M handle ties with the common segment table (issue 14, defect 8)", async () => {
      const { run, result, insights } = await scoreStore(cdnowFacts, CALIBRATION_END)
      expect(result.customers).toBe(2357)
      expect(result.model.kind).toBe("bgnbd")

      // Defect 3: no one-time buyer has 0 % churn risk; it grows with the time since their order; lifecycle agrees.
      const oneTimers = insights.filter((row) => row.purchase_days === 1).sort((a, b) => a.recency_days - b.recency_days)
      expect(oneTimers.length).toBe(2357 - 946)
      for (const row of oneTimers) expect(row.churn_risk).toBeGreaterThan(0)
      for (let i = 1; i < oneTimers.length; i++) {
        expect(oneTimers[i].churn_risk!).toBeGreaterThanOrEqual(oneTimers[i - 1].churn_risk! - 1e-6)
      }
      for (const row of insights) {
        if (row.lifecycle_stage === "new") continue
        expect(row.lifecycle_stage === "churned").toBe(row.churn_risk! >= 0.8)
      }

      // Defect 8: every F score is used (F = 2 was empty with percent_rank quintiles); ties share a score.
      const count = (key: "r_score" | "f_score" | "m_score", score: number) => insights.filter((row) => row[key] === score).length
      for (let score = 1; score <= 5; score++) {
        expect(count("f_score", score)).toBeGreaterThan(0)
        expect(count("r_score", score)).toBeGreaterThan(0)
        expect(count("m_score", score)).toBeGreaterThan(0)
      }
      expect(count("f_score", 1)).toBe(2357 - 946)
      const segments = new Map<string, number>()
      for (const row of insights) segments.set(row.rfm_segment!, (segments.get(row.rfm_segment!) ?? 0) + 1)
      for (const segment of segments.keys()) expect(RFM_SEGMENTS).toContain(segment)
      // Champions are the few who buy recently, often and for much: not 30 % of the base.
      expect(segments.get("champions")! / 2357).toBeLessThan(0.1)
      expect(segments.get("champions")).toBeGreaterThan(0)
      const summary = await service.segmentSummary(run.id)
      const churnOf = (segment: string) => summary.rfm.find((row) => row.segment === segment)!.average_churn_risk
      expect(churnOf("lost")).toBeGreaterThan(0.8)
      expect(churnOf("champions")).toBeLessThan(churnOf("lost"))
    })

    it("fits the same parameters to the same customers whatever order their rows were written in (same data, same result)", async () => {
      // The likelihood is a floating-point sum over the rows: read in the order they lay in the table, the
      // Gamma-Gamma fit ended apart in the 7th digit here (the 6th on the 100k bench store) for rows written in
      // another order, and so did every CLV it priced.
      const first = await scoreStore(cdnowFacts, CALIBRATION_END)
      const second = await scoreStore((runId) => cdnowFacts(runId).reverse(), CALIBRATION_END)
      expect(first.result.model.kind).toBe("bgnbd")
      const fitted = (result: typeof first.result) => {
        const params = result.params as { bgnbd: unknown; gamma_gamma: unknown }
        return { bgnbd: params.bgnbd, gamma_gamma: params.gamma_gamma }
      }
      expect(fitted(second.result)).toEqual(fitted(first.result))
      const clv = (rows: typeof first.insights) => new Map(rows.map((row) => [row.customer_id, row.clv_12m]))
      expect(clv(second.insights)).toEqual(clv(first.insights))
    })

    it("scores a store whose dropout is U-shaped (fitted a + b ≤ 1) instead of failing the run (issue 14, defect 2)", async () => {
      // 1,500 customers simulated from BG/NBD itself with p ~ Beta(0.3, 0.3): most never leave or leave at once.
      let seed = 12345
      const u = () => (seed = (seed * 16807) % 2147483647) / 2147483647
      const gamma = (k: number): number => {
        if (k < 1) return gamma(k + 1) * Math.pow(u(), 1 / k)
        const d = k - 1 / 3
        const c = 1 / Math.sqrt(9 * d)
        for (;;) {
          let x: number
          let v: number
          do {
            x = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u())
            v = 1 + c * x
          } while (v <= 0)
          v = v * v * v
          if (Math.log(u()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v
        }
      }
      const { result, insights } = await scoreStore((runId) =>
        Array.from({ length: 1500 }, (_, i) => {
          const lambda = gamma(0.8) / 4 // purchases per week
          const x = gamma(0.3)
          const p = x / (x + gamma(0.3))
          const T = 20 + Math.floor(u() * 33) // weeks since the first purchase
          // Customers differ in what they spend (20 to 80 a day, each within ±25 % of their own): Gamma-Gamma has
          // something to fit (spend the same for everyone but for chance is a fit it rejects).
          const level = 20 + ((i * 7919) % 61)
          const days = new Map<number, number>([[7 * T, 40]])
          for (let t = 0; ; ) {
            t += -Math.log(u()) / lambda
            if (t > T) break
            days.set(Math.round(7 * (T - t)), Math.floor(level * (0.75 + 0.5 * u())))
            if (u() < p) break
          }
          return factsRow(runId, `cus_u_${i}`, NOW, [...days].map(([daysAgo, amount]) => ({ daysAgo, amount })))
        })
      )
      expect(result.model.kind).toBe("bgnbd")
      const { a, b } = (result.params as { bgnbd: { a: number; b: number } }).bgnbd
      expect(a + b).toBeLessThan(1)
      // Every customer scored by the model itself: no fallback, finite figures.
      expect(result.warnings.filter((w) => /own pace/.test(w))).toEqual([])
      expect(insights).toHaveLength(1500)
      for (const row of insights) {
        expect(Number.isFinite(row.expected_365)).toBe(true)
        expect(row.expected_365).toBeGreaterThanOrEqual(row.expected_90!)
        expect(row.churn_risk).toBeGreaterThanOrEqual(0)
        expect(row.churn_risk).toBeLessThanOrEqual(1)
      }
    })

    it("keeps money exact past float precision: numeric columns end to end (issue 14, defect 4)", async () => {
      const { run } = await scoreStore((runId) => [
        // 16,777,217.01 is not representable in a 4-byte float (it was stored as 16,777,216).
        factsRow(runId, "cus_big", NOW, [{ daysAgo: 40, amount: 16_777_000 }, { daysAgo: 10, amount: 217.01 }]),
        factsRow(runId, "cus_cents", NOW, [{ daysAgo: 200, amount: 131_072.37 }]),
        factsRow(runId, "cus_small", NOW, [{ daysAgo: 5, amount: 0.05 }]),
      ])
      const { insight } = await service.customerInsight("cus_big")
      expect(insight!.monetary).toBe(16_777_217.01)
      expect((await service.customerInsight("cus_cents")).insight!.monetary).toBe(131_072.37)
      const summary = await service.segmentSummary(run.id)
      const total = summary.rfm.reduce((sum, row) => sum + Math.round(row.revenue * 100), 0)
      expect(total).toBe(1_677_721_701 + 13_107_237 + 5)
      // CLV is money too: kept to the cent.
      expect(insight!.clv_12m).toBeGreaterThan(0)
      expect(Math.abs(insight!.clv_12m! * 100 - Math.round(insight!.clv_12m! * 100))).toBeLessThan(1e-6)
    })

    it("prices future orders from the days that have a value: a day in a currency with no rate is a purchase day, not a 0 in the spend", async () => {
      // Three customers who bought on the same three days: rated paid 80 each day, abroad paid the last day in a
      // currency with no rate, unrated paid every day in it.
      const days = [150, 100, 60]
      const { result, insights } = await scoreStore((runId) => [
        factsRow(runId, "cus_rated", NOW, days.map((daysAgo) => ({ daysAgo, amount: 80 }))),
        factsRow(runId, "cus_abroad", NOW, days.map((daysAgo, i) => ({ daysAgo, amount: i === 2 ? null : 80 }))),
        factsRow(runId, "cus_unrated", NOW, days.map((daysAgo) => ({ daysAgo, amount: null }))),
      ])
      expect(result.model.kind).toBe("heuristic")
      const byId = new Map(insights.map((row) => [row.customer_id, row]))
      const [rated, abroad, unrated] = ["cus_rated", "cus_abroad", "cus_unrated"].map((id) => byId.get(id)!)
      // Every purchase day counts for the pace: the same expected orders.
      expect(abroad.expected_365).toBe(rated.expected_365)
      expect(unrated.expected_365).toBe(rated.expected_365)
      // Each future order at 80: abroad's money over its two valued days, and for unrated (nothing to go by) the
      // store's 400 over its 5 valued days.
      expect(Number(rated.clv_12m)).toBeGreaterThan(0)
      expect([Number(abroad.clv_12m), Number(unrated.clv_12m)]).toEqual([Number(rated.clv_12m), Number(rated.clv_12m)])
      expect([abroad, unrated].map((row) => [row.purchase_days, row.valued_days, row.valued_repeat_days, Number(row.monetary)]))
        .toEqual([[3, 2, 1, 160], [3, 0, 0, 0]])
    })

    it("scores a store's only customer in the middle, as a group of customers all tied: not 'lost' a day after ordering", async () => {
      const { insights } = await scoreStore((runId) => [
        factsRow(runId, "cus_only", NOW, [{ daysAgo: 9, amount: 40 }, { daysAgo: 1, amount: 60 }]),
      ])
      expect(insights).toEqual([expect.objectContaining({ customer_id: "cus_only", r_score: 3, m_score: 3, f_score: 2 })])
      expect(insights[0].rfm_segment).not.toBe("lost")
      // Two customers tied on everything get the same middle scores.
      const tied = await scoreStore((runId) =>
        ["cus_a", "cus_b"].map((id) => factsRow(runId, id, NOW, [{ daysAgo: 9, amount: 40 }, { daysAgo: 1, amount: 60 }]))
      )
      expect(tied.insights.map((row) => [row.r_score, row.m_score])).toEqual([[3, 3], [3, 3]])
    })

    it("stores scores too close to 0 for a real column as 0, instead of failing the run's batch on them", async () => {
      const tiny = 1e-60 // a chance the models can give a customer long gone (2.2e-308 and below too)
      await insertScores(knex(), "lrun_tiny", {
        id: ["fact_tiny"], r: [1], f: [1], m: [1], f_rank: [tiny], m_rank: [5e-324], nps: [null], referrals: [0],
        rfm: ["lost"], matrix: ["low_value"], lifecycle: ["lapsed"], p_alive: [tiny], churn: [1], e90: [tiny], e365: [1e-40],
        clv: ["0.00"], clv_cac: [null], explanation: ["test"],
      })
      const row = await knex()("loyalty_customer_score").where({ id: "fact_tiny" }).first()
      expect(row).toMatchObject({ f_rank: 0, m_rank: 0, p_alive: 0, churn_risk: 1, expected_90: 0, expected_365: 0 })
      await knex()("loyalty_customer_score").where({ run_id: "lrun_tiny" }).delete()
    })

    it("gives each customer their latest feedback score as of the run (not a later or deleted answer) with the facts copied in", async () => {
      const day = (n: number) => new Date(NOW.getTime() + n * DAY_MS)
      const answers = await service.createFeedbacks([
        { customer_id: "cus_fb_latest", order_id: "order_fb_1", score: 3 },
        { customer_id: "cus_fb_latest", order_id: "order_fb_2", score: 9 },
        { customer_id: "cus_fb_later", order_id: "order_fb_3", score: 7 },
        { customer_id: "cus_fb_later", order_id: "order_fb_4", score: 1 },
        { customer_id: "cus_fb_deleted", order_id: "order_fb_5", score: 10 },
      ])
      const at = [day(-10), day(-2), day(-5), day(1), day(-3)]
      for (const [i, answer] of answers.entries()) {
        await knex()("loyalty_feedback").where({ id: answer.id }).update({ created_at: at[i] })
      }
      await service.softDeleteFeedbacks([answers[4].id])
      const purchases = [{ daysAgo: 30, amount: 25.5 }, { daysAgo: 4, amount: 10 }]
      await scoreStore((runId) =>
        // A customer id with a backslash and a tab: COPY's text format escapes them on the way in.
        ["cus_fb_latest", "cus_fb_later", "cus_fb_deleted", "cus_fb_none", "cus_fb_odd\\id\t2"].map((id) =>
          factsRow(runId, id, NOW, purchases)
        )
      )
      const nps = async (id: string) => (await service.customerInsight(id)).insight?.nps_score
      expect(await nps("cus_fb_latest")).toBe(9)
      expect(await nps("cus_fb_later")).toBe(7)
      expect(await nps("cus_fb_deleted")).toBeNull()
      expect(await nps("cus_fb_none")).toBeNull()
      const { insight } = await service.customerInsight("cus_fb_odd\\id\t2")
      expect(insight).toMatchObject({ customer_id: "cus_fb_odd\\id\t2", monetary: 35.5, monetary_by_currency: { eur: 35.5 } })
      expect(insight!.first_order_at.toISOString()).toBe(new Date(NOW.getTime() - 30 * DAY_MS).toISOString())
    })

    it("a run whose process stopped (no heartbeat for 5 minutes) no longer blocks the next one; a live one does, however long it runs", async () => {
      const live = await service.startRun({ as_of: NOW })
      // Started three hours ago, but its process said it was alive just now: still running.
      await knex()("loyalty_insight_run").where({ id: live.id }).update({ started_at: knex().raw("now() - interval '3 hours'") })
      await service.touchRun(live.id)
      await expect(service.startRun({ as_of: NOW })).rejects.toThrow(/A recompute is already running/)
      expect((await service.retrieveRun(live.id)).status).toBe("running")

      // Its server restarted: the heartbeat stopped 6 minutes ago. "Recompute now" is not blocked.
      await knex()("loyalty_insight_run").where({ id: live.id }).update({ updated_at: knex().raw("now() - interval '6 minutes'") })
      const next = await service.startRun({ as_of: NOW })
      expect(next.status).toBe("running")
      const abandoned = await service.retrieveRun(live.id)
      expect(abandoned.status).toBe("failed")
      expect(abandoned.error).toMatch(/process running it stopped/)
      await service.updateRun(next.id, { status: "succeeded", finished_at: new Date() })
    })
  },
})
