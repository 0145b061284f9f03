import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { moduleTestDbName } from "../helpers/module-db"
import { LOYALTY_TIERS_MODULE } from "../../src/modules/loyalty-tiers"
import LoyaltyTiersModuleService from "../../src/modules/loyalty-tiers/service"

jest.setTimeout(60_000)

const at = (iso: string) => new Date(iso)

moduleIntegrationTestRunner<LoyaltyTiersModuleService>({
  moduleName: LOYALTY_TIERS_MODULE,
  dbName: moduleTestDbName(LOYALTY_TIERS_MODULE),
  resolve: "./src/modules/loyalty-tiers",
  moduleOptions: { tierWindow: "rolling", tierWindowMonths: 12, tierGraceDays: 14 },
  testSuite: ({ service }) => {
    const program = async () => {
      const silver = await service.createTier({ name: "Silver", metric: "points", threshold: 500, earn_multiplier: 1.25 })
      const gold = await service.createTier({ name: "Gold", metric: "points", threshold: 1000, earn_multiplier: 1.5, bonus_points: 100 })
      return { silver, gold }
    }

    /** What a release of an order's points records (the workflow computes it from the ledger). */
    const released = (customer_id: string, points: number, occurred_at: Date, key = `release:${customer_id}:${occurred_at.toISOString()}`) =>
      service.recordActivity({
        customer_id,
        order_id: `order_${key}`,
        currency_code: "eur",
        points,
        amount: points,
        orders: 1,
        occurred_at,
        source_id: null,
        idempotency_key: key,
      })

    it("upgrades from released activity only, at once, with one history line even when 10 evaluations race", async () => {
      const { silver, gold } = await program()
      const t0 = at("2026-03-01T10:00:00Z")

      // Nothing released yet: an evaluation (e.g. on placement) changes nothing.
      expect((await service.evaluateCustomer("cus_1", t0)).changes).toEqual([])
      expect(await service.effectiveTier("cus_1", t0)).toBeNull()

      await released("cus_1", 600, t0)
      const first = await service.evaluateCustomer("cus_1", t0)
      expect(first.changes).toEqual([
        expect.objectContaining({
          from: null,
          to: { id: silver.id, name: "Silver", rank: 1 },
          reason: "qualified",
          direction: "up",
          note: "Reached Silver: 600 points of 500",
          qualified_until: at("2027-03-01T10:00:00Z"),
        }),
      ])

      const t1 = at("2026-04-01T10:00:00Z")
      await released("cus_1", 500, t1)
      const race = await Promise.all(Array.from({ length: 10 }, () => service.evaluateCustomer("cus_1", t1)))
      const upgrades = race.flatMap((write) => write.changes)
      expect(upgrades).toHaveLength(1)
      expect(upgrades[0]).toMatchObject({ from: { name: "Silver" }, to: { name: "Gold" }, bonus_points: 100 })
      expect((await service.effectiveTier("cus_1", t1))?.id).toBe(gold.id)

      const { history } = await service.customerHistory("cus_1", { limit: 10, offset: 0 })
      expect(history.map((h) => [h.from_tier_name, h.to_tier_name, h.reason])).toEqual([
        ["Silver", "Gold", "qualified"],
        [null, "Silver", "qualified"],
      ])
      // Reaching Gold again later keeps it longer.
      const t2 = at("2026-08-01T10:00:00Z")
      await released("cus_1", 100, t2)
      expect((await service.evaluateCustomer("cus_1", t2)).after.qualified_until).toEqual(at("2027-08-01T10:00:00Z"))
      // The same release recorded twice counts once.
      expect((await released("cus_1", 500, t1)).created).toBe(false)
      expect((await service.customerMetrics("cus_1", null, t2)).points).toBe(1200)
    })

    it("downgrades only when the period has ended and the grace days passed, to the tier still reached", async () => {
      const { silver, gold } = await program()
      const t0 = at("2026-01-10T00:00:00Z")
      await released("cus_2", 1200, t0)
      await service.evaluateCustomer("cus_2", t0)

      // Period end 2027-01-10 (+12 months), review after 14 grace days.
      const kept = await service.customerStatus("cus_2", at("2026-12-01T00:00:00Z"))
      expect(kept).toMatchObject({ kept_until: at("2027-01-10T00:00:00Z"), review_at: at("2027-01-24T00:00:00Z") })
      // In the grace days the customer earns at Silver level: no downgrade on activity.
      await released("cus_2", 700, at("2027-01-15T00:00:00Z"))
      expect((await service.evaluateCustomer("cus_2", at("2027-01-15T00:00:00Z"))).changes).toEqual([])
      for (const day of ["2026-12-31T00:00:00Z", "2027-01-10T00:00:00Z", "2027-01-23T23:59:59Z"]) {
        expect((await service.listDueReviews(at(day), null, 10)).items).toEqual([])
        expect((await service.reviewCustomer("cus_2", at(day))).changes).toEqual([])
        expect((await service.effectiveTier("cus_2", at(day)))?.id).toBe(gold.id)
      }

      const reviewAt = at("2027-01-24T00:00:00Z")
      expect((await service.listDueReviews(reviewAt, null, 10)).items).toEqual(["cus_2"])
      const review = await service.reviewCustomer("cus_2", reviewAt)
      // The 1200 points that reached Gold belong to the period that ended; the 700 reach Silver.
      expect(review.changes).toEqual([
        expect.objectContaining({
          from: expect.objectContaining({ id: gold.id }),
          to: expect.objectContaining({ id: silver.id }),
          reason: "review",
          direction: "down",
          bonus_points: 0,
          note: "Period ended 2027-01-10: 700 points of 500 keeps Silver",
        }),
      ])
      expect(review.after.qualified_until).toEqual(at("2028-01-10T00:00:00Z"))
      // Running it again the same day, or the next, changes nothing.
      expect((await service.reviewCustomer("cus_2", reviewAt)).changes).toEqual([])
      expect((await service.listDueReviews(at("2027-01-25T00:00:00Z"), null, 10)).items).toEqual([])

      // Activity of the grace days counts for the next period too (Silver kept in 2028);
      // a whole period without activity then ends the tier.
      expect((await service.reviewCustomer("cus_2", at("2028-01-24T00:00:00Z"))).changes).toEqual([])
      const last = await service.reviewCustomer("cus_2", at("2029-01-24T00:00:00Z"))
      expect(last.changes[0]).toMatchObject({ from: { id: silver.id }, to: null, reason: "review" })
      expect(last.after).toMatchObject({ earned_tier_id: null, qualified_until: null })
    })

    it("honours an override over the earned tier until its end date, then the earned tier is back", async () => {
      const { silver, gold } = await program()
      const t0 = at("2026-02-01T00:00:00Z")
      await released("cus_3", 600, t0)
      await service.evaluateCustomer("cus_3", t0)

      const set = await service.setOverride({
        customer_id: "cus_3",
        tier_id: gold.id,
        reason: "Complaint recovery",
        actor_id: "user_1",
        ends_at: at("2026-03-01T00:00:00Z"),
        now: at("2026-02-02T00:00:00Z"),
      })
      expect(set.changes[0]).toMatchObject({ from: { id: silver.id }, to: { id: gold.id }, reason: "override", bonus_points: 0 })
      expect((await service.effectiveTier("cus_3", at("2026-02-15T00:00:00Z")))?.id).toBe(gold.id)
      const status = await service.customerStatus("cus_3", at("2026-02-15T00:00:00Z"))
      expect(status).toMatchObject({ current: { id: gold.id }, earned: { id: silver.id }, override: { reason: "Complaint recovery", created_by: "user_1" } })

      // Past its end date the override no longer counts, even before the job ends it...
      expect((await service.effectiveTier("cus_3", at("2026-03-01T00:00:01Z")))?.id).toBe(silver.id)
      expect((await service.listDueOverrides(at("2026-03-02T00:00:00Z"), null, 10)).items).toEqual(["cus_3"])
      // ...and the job's pass ends it with a history line, once.
      const ended = await service.endOverride({ customer_id: "cus_3", now: at("2026-03-02T00:00:00Z"), actor_id: null, reason: null })
      expect(ended!.changes[0]).toMatchObject({ from: { id: gold.id }, to: { id: silver.id }, reason: "override_ended" })
      expect(await service.endOverride({ customer_id: "cus_3", now: at("2026-03-02T00:00:00Z"), actor_id: null, reason: null })).toBeNull()
      expect((await service.listDueOverrides(at("2026-03-02T00:00:00Z"), null, 10)).items).toEqual([])
    })

    it("reads the earning tier of many (customer, placed at) pairs in one go, each as effectiveTier reads it (issue 15)", async () => {
      const { silver, gold } = await program()
      const t0 = at("2026-02-01T00:00:00Z")
      await released("cus_many_s", 600, t0)
      await service.evaluateCustomer("cus_many_s", t0)
      await released("cus_many_o", 600, t0)
      await service.evaluateCustomer("cus_many_o", t0)
      await service.setOverride({
        customer_id: "cus_many_o", tier_id: gold.id, reason: "Complaint recovery", actor_id: "user_1",
        ends_at: at("2026-03-01T00:00:00Z"), now: at("2026-02-02T00:00:00Z"),
      })
      await service.setOverride({ customer_id: "cus_many_n", tier_id: null, reason: "Fraud check", actor_id: "user_1", ends_at: null, now: t0 })
      const pairs = [
        { customer_id: "cus_many_s", at: at("2026-02-15T00:00:00Z") },
        { customer_id: "cus_many_o", at: at("2026-02-15T00:00:00Z") },
        { customer_id: "cus_many_o", at: at("2026-03-01T00:00:01Z") },
        { customer_id: "cus_many_none", at: t0 },
        { customer_id: "cus_many_n", at: t0 },
        { customer_id: "cus_many_s", at: at("2026-02-15T00:00:00Z") },
      ]
      const batch = await service.effectiveTiers(pairs)
      const oneByOne = await Promise.all(pairs.map((pair) => service.effectiveTier(pair.customer_id, pair.at)))
      expect(batch).toEqual(oneByOne.map((tier) => tier ?? null))
      expect(batch.map((tier) => tier?.id ?? null)).toEqual([silver.id, gold.id, silver.id, null, null, silver.id])
      expect(await service.effectiveTiers([])).toEqual([])
    })

    it("undoes a write when its workflow is compensated, unless the membership moved on", async () => {
      const { silver } = await program()
      const t0 = at("2026-02-01T00:00:00Z")
      await released("cus_4", 600, t0)
      const write = await service.evaluateCustomer("cus_4", t0)
      await service.restoreMembership(write)
      expect(await service.effectiveTier("cus_4", t0)).toBeNull()
      expect((await service.customerHistory("cus_4", { limit: 10, offset: 0 })).history).toEqual([])

      const again = await service.evaluateCustomer("cus_4", t0)
      expect(again.changes[0].to?.id).toBe(silver.id)
      await service.setOverride({ customer_id: "cus_4", tier_id: null, reason: "Fraud check", actor_id: "user_1", ends_at: null, now: t0 })
      // The override came later: undoing the evaluation must not erase it.
      await service.restoreMembership(again)
      expect(await service.effectiveTier("cus_4", t0)).toBeNull()
      expect((await service.customerStatus("cus_4", t0)).earned?.id).toBe(silver.id)
    })

    it("refuses invalid tier sets with the reason, and deletes a tier with members only by moving them", async () => {
      const { silver, gold } = await program()
      await expect(service.createTier({ name: "Bronze", metric: "points", threshold: 1000 })).rejects.toThrow(
        'Thresholds must increase with rank: "Bronze" (rank 3) asks for 1000 points, not more than "Gold" (rank 2) with 1000 points'
      )
      await expect(service.updateTier(gold.id, { threshold: 400 })).rejects.toThrow(/"Gold" \(rank 2\) asks for 400 points/)
      await expect(service.reorderTiers([gold.id, silver.id])).rejects.toThrow(/Thresholds must increase with rank/)
      await expect(service.reorderTiers([gold.id])).rejects.toThrow('Send every tier exactly once, lowest rank first (missing: "Silver")')
      await expect(service.createTier({ name: "gold", metric: "orders", threshold: 3 })).rejects.toThrow('Two tiers are named "gold"')

      // An orders tier between them is fine: thresholds compare within a metric.
      const regular = await service.createTier({ name: "Regular", metric: "orders", threshold: 3 })
      const { tiers } = await service.reorderTiers([silver.id, regular.id, gold.id])
      expect(tiers.map((t) => [t.name, t.rank])).toEqual([
        ["Silver", 1],
        ["Regular", 2],
        ["Gold", 3],
      ])

      await released("cus_5", 600, at("2026-02-01T00:00:00Z"))
      await service.evaluateCustomer("cus_5", at("2026-02-01T00:00:00Z"))
      await expect(service.deleteTier(silver.id, undefined, new Date())).rejects.toThrow(
        '"Silver" has 1 member: move them to another tier (move_members_to) before deleting it'
      )
      const removal = await service.deleteTier(silver.id, regular.id, new Date())
      expect(removal.writes[0].changes[0]).toMatchObject({ from: { name: "Silver" }, to: { name: "Regular" }, reason: "tier_deleted" })
      expect((await service.listTiersByRank()).map((t) => t.name)).toEqual(["Regular", "Gold"])
      // The name is free again; history still reads "Silver".
      await service.createTier({ name: "Silver", metric: "points", threshold: 2000 })
      expect((await service.customerHistory("cus_5", { limit: 10, offset: 0 })).history[1].to_tier_name).toBe("Silver")
    })

    it("gives members earned under a lifetime window a period end when the window turns rolling: a year without activity then ends their tier", async () => {
      // Seen in review: under lifetime qualified_until is null, the review looks for qualified_until <= now, and the
      // settings change touched no membership, so a member kept Gold for ever after the switch to rolling.
      const { gold } = await program()
      await service.updateSettings({ window: "lifetime" }, "user_1")
      const reached = new Date(Date.now() - 30 * 86_400_000)
      await released("cus_lifetime", 1200, reached)
      const up = await service.evaluateCustomer("cus_lifetime", reached)
      expect(up.after).toMatchObject({ earned_tier_id: gold.id, qualified_until: null })

      await service.updateSettings({ window: "rolling", window_months: 12 }, "user_1")
      // Thirteen months on, no activity since: the daily pass's review finds the member due and ends the tier.
      const later = new Date(Date.now() + 395 * 86_400_000)
      const due = (await service.listDueReviews(later, null, 10)).items
      expect(due).toEqual(["cus_lifetime"])
      for (const customerId of due) await service.reviewCustomer(customerId, later)
      expect(await service.effectiveTier("cus_lifetime", later)).toBeNull()
      expect((await service.customerStatus("cus_lifetime", later)).earned).toBeNull()
    })

    it("previews how many customers each tier would hold now, for saved or proposed tiers", async () => {
      const { silver, gold } = await program()
      const now = at("2026-06-01T00:00:00Z")
      await released("cus_a", 600, at("2026-05-01T00:00:00Z"))
      await released("cus_b", 1500, at("2026-05-01T00:00:00Z"))
      await released("cus_c", 100, at("2026-05-01T00:00:00Z"))
      // Outside the 12-month window: does not count.
      await released("cus_d", 5000, at("2025-01-01T00:00:00Z"))
      await service.evaluateCustomer("cus_b", now)

      const saved = await service.preview(now, null)
      expect(saved.customers_with_activity).toBe(3)
      expect(saved.tiers).toEqual([
        { id: silver.id, name: "Silver", rank: 1, qualifying: 1, members: 0 },
        { id: gold.id, name: "Gold", rank: 2, qualifying: 1, members: 1 },
      ])
      expect(saved.without_tier.qualifying).toBe(1)

      const proposed = await service.preview(now, [{ name: "Starter", metric: "points", threshold: 50 }])
      expect(proposed.tiers).toEqual([{ id: null, name: "Starter", rank: 1, qualifying: 3, members: 0 }])
      await expect(
        service.preview(now, [
          { name: "A", metric: "points", threshold: 50 },
          { name: "B", metric: "points", threshold: 50 },
        ])
      ).rejects.toThrow(/Thresholds must increase with rank/)
    })
  },
})
