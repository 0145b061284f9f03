import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { moduleTestDbName } from "../helpers/module-db"
import { LOYALTY_POINTS_MODULE } from "../../src/modules/loyalty-points"
import LoyaltyPointsModuleService from "../../src/modules/loyalty-points/service"
import type { DueCursor, DuePage } from "../../src/lib/db"
import type { PostingResult } from "../../src/modules/loyalty-points/types"
import { pointsEventsFor } from "../../src/lib/shared/events"
import { IdempotencyKeys } from "../../src/lib/shared/idempotency-keys"

jest.setTimeout(60_000)

const DAY = 24 * 60 * 60 * 1000

moduleIntegrationTestRunner<LoyaltyPointsModuleService>({
  moduleName: LOYALTY_POINTS_MODULE,
  dbName: moduleTestDbName(LOYALTY_POINTS_MODULE),
  resolve: "./src/modules/loyalty-points",
  moduleOptions: { earnRates: { eur: 1 }, pendingDays: 14, expiryMonths: 12 },
  testSuite: ({ service, MikroOrmWrapper }) => {
    const knex = () => MikroOrmWrapper.getManager().getKnex()
    /** A customer's account, or null when they never had a points movement. */
    const accountOf = async (customerId: string) => (await service.listAccounts({ customer_id: customerId }, { take: 1 }))[0] ?? null

    /** The invariant: cached figures equal the ledger sums, and open lots equal the balance. */
    async function expectLedgerConsistent(customerId: string) {
      const account = (await accountOf(customerId))!
      const { rows } = await knex().raw(
        `SELECT
           (SELECT coalesce(sum(balance_change),0)::int FROM loyalty_entry WHERE account_id = :id) AS balance,
           (SELECT coalesce(sum(pending_change),0)::int FROM loyalty_entry WHERE account_id = :id) AS pending,
           (SELECT coalesce(sum(debt_change),0)::int FROM loyalty_entry WHERE account_id = :id) AS debt,
           (SELECT coalesce(sum(remaining),0)::int FROM loyalty_lot WHERE account_id = :id) AS lots`,
        { id: account.id }
      )
      expect(rows[0]).toEqual({
        balance: account.balance,
        pending: account.pending,
        debt: account.debt,
        lots: account.balance,
      })
      return account
    }

    const credit = (customer_id: string, points: number, key: string, expires_at: Date | null = null) =>
      service.creditPoints({ customer_id, points, type: "adjust", idempotency_key: key, reason: "test", expires_at })

    /**
     * Run `during` while the database refuses one account's row unless
     * `condition` holds (a check made for the test, on rows written from now
     * on): a set-based page's last statement, its accounts' move, fails
     * after the page wrote the rest.
     */
    async function refuseMove(accountId: string, condition: string, during: () => Promise<unknown>) {
      await knex().raw(`ALTER TABLE loyalty_account ADD CONSTRAINT test_refuse_move CHECK (id <> '${accountId}' OR (${condition})) NOT VALID`)
      try {
        await during()
      } finally {
        await knex().raw("ALTER TABLE loyalty_account DROP CONSTRAINT test_refuse_move")
      }
    }

    /**
     * The members' ledgers with every id replaced by its place (lots and
     * entries in the order they were written, customers by their suffix), so
     * two sets of members made the same way compare equal.
     */
    async function ledgers(customerIds: string[], prefix: string) {
      const out: unknown[] = []
      const labels = new Map<string, string>()
      for (const customerId of customerIds) {
        const account = await expectLedgerConsistent(customerId)
        const entries = await knex()("loyalty_entry").where({ account_id: account.id }).orderBy([{ column: "created_at" }, { column: "id" }])
        const lots = await knex()("loyalty_lot").where({ account_id: account.id }).orderBy([{ column: "created_at" }, { column: "id" }])
        entries.forEach((entry, i) => labels.set(entry.id, `${customerId}:entry${i}`))
        lots.forEach((lot, i) => labels.set(lot.id, `${customerId}:lot${i}`))
        out.push({
          customer: customerId,
          account: pick(account, ["balance", "pending", "debt", "lifetime_earned", "lifetime_redeemed"]),
          entries: entries.map((e) =>
            pick(e, ["id", "type", "points", "balance_change", "pending_change", "debt_change", "reason", "actor_type", "reference_type", "reference_id", "order_id", "idempotency_key", "program_version", "currency_code", "details"])
          ).map((e, i) => ({ ...e, voided: entries[i].voided_at !== null })),
          lots: lots.map((l) => ({ ...pick(l, ["id", "entry_id", "points", "remaining"]), expires_at: l.expires_at ? new Date(l.expires_at).toISOString() : null })),
        })
      }
      let text = JSON.stringify(out)
      for (const [id, label] of labels) text = text.split(id).join(label)
      return JSON.parse(text.split(`${prefix}_`).join("member_").split(`${prefix}-`).join("key-"))
    }

    it("writes an idempotency key once, even when 5 writers race", async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          service.recordOrderEarning({
            customer_id: "cus_a",
            order_id: "order_1",
            idempotency_key: "ignored",
            points: 120,
            release_at: new Date(Date.now() + 14 * DAY),
            reason: "Order #1",
          })
        )
      )
      expect(results.filter((r) => r.created)).toHaveLength(1)
      expect(new Set(results.map((r) => r.entry.id)).size).toBe(1)
      const account = await expectLedgerConsistent("cus_a")
      expect(account).toMatchObject({ pending: 120, balance: 0 })
    })

    it("never lets 50 concurrent debits take the balance below zero", async () => {
      await credit("cus_b", 1000, "grant")
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          service.debitPoints({
            customer_id: "cus_b",
            points: 30,
            type: "adjust",
            idempotency_key: `debit-${i}`,
            reason: "race",
          })
        )
      )
      const won = outcomes.filter((o) => o.status === "fulfilled")
      const lost = outcomes.filter((o) => o.status === "rejected") as PromiseRejectedResult[]
      expect(won).toHaveLength(33) // 33 × 30 = 990 ≤ 1000 < 34 × 30
      expect(lost.every((o) => /Not enough points/.test(o.reason.message))).toBe(true)
      const account = await expectLedgerConsistent("cus_b")
      expect(account.balance).toBe(10)
    })

    it("refuses a balance below zero in the database itself", async () => {
      await credit("cus_c", 10, "grant")
      const account = (await accountOf("cus_c"))!
      await expect(knex().raw("UPDATE loyalty_account SET balance = -1 WHERE id = ?", [account.id])).rejects.toThrow(
        /loyalty_account_balance_check/
      )
      await expect(
        knex().raw(
          `INSERT INTO loyalty_entry (id, account_id, type, points, reason, idempotency_key)
           SELECT 'lent_dup', account_id, type, points, reason, idempotency_key FROM loyalty_entry WHERE account_id = ? LIMIT 1`,
          [account.id]
        )
      ).rejects.toThrow(/duplicate key/)
    })

    it("releases pending points, then reverses from pending, balance and finally debt", async () => {
      await service.recordOrderEarning({
        customer_id: "cus_d",
        order_id: "order_d",
        idempotency_key: "ignored",
        points: 100,
        release_at: new Date(),
        reason: "Order #4",
      })
      // Down to 70 before release: taken from pending.
      const early = await service.reverseOrderPoints({
        order_id: "order_d",
        customer_id: "cus_d",
        canceled: false,
        target: 70,
        reason: "refund",
      })
      expect(early!.entry).toMatchObject({ points: -30, pending_change: -30, balance_change: 0 })

      const released = await service.releaseOrderPoints({
        order_id: "order_d",
        customer_id: "cus_d",
        now: new Date(),
        expires_at: null,
      })
      expect(released!.entry).toMatchObject({ type: "release", points: 70, balance_change: 70 })
      // Released twice: nothing more.
      expect(
        await service.releaseOrderPoints({ order_id: "order_d", customer_id: "cus_d", now: new Date(), expires_at: null })
      ).toBeNull()

      await service.debitPoints({ customer_id: "cus_d", points: 50, type: "redeem", idempotency_key: "spend", reason: "spent" })
      // Cancel: 70 more to reverse, 20 available, 50 becomes debt.
      const cancel = await service.reverseOrderPoints({
        order_id: "order_d",
        customer_id: "cus_d",
        canceled: true,
        reason: "canceled",
      })
      expect(cancel!.entry).toMatchObject({ points: -70, balance_change: -20, debt_change: 50 })
      // The same target again posts nothing.
      expect(
        await service.reverseOrderPoints({
          order_id: "order_d",
          customer_id: "cus_d",
          canceled: true,
          reason: "again",
        })
      ).toBeNull()

      // Future earnings pay the debt first.
      await credit("cus_d", 80, "goodwill")
      const account = await expectLedgerConsistent("cus_d")
      expect(account).toMatchObject({ balance: 30, debt: 0, pending: 0 })
      const [summary] = await service.summarizeOrders(["order_d"])
      expect(summary).toMatchObject({ earned: 100, released: 70, reversed: 100, pending: 0 })
    })

    it("expires lots first-expiring first, and expiry run twice expires once", async () => {
      const now = new Date("2027-06-01T00:00:00Z")
      await credit("cus_e", 100, "lot-early", new Date("2027-01-01T00:00:00Z"))
      await credit("cus_e", 100, "lot-late", new Date("2027-05-01T00:00:00Z"))
      await credit("cus_e", 100, "lot-future", new Date("2028-01-01T00:00:00Z"))
      // Spending 150 empties the earliest lot and half of the next.
      await service.debitPoints({ customer_id: "cus_e", points: 150, type: "redeem", idempotency_key: "spend", reason: "x" })

      const expireAll = async () => {
        const lots = await service.listExpiredLots(now, null, 100)
        const results: Awaited<ReturnType<typeof service.expireLot>>[] = []
        for (const lotId of lots.items) results.push(await service.expireLot(lotId, now))
        return results.filter((r) => r?.created)
      }
      const first = await expireAll()
      expect(first.map((r) => r!.entry.points)).toEqual([-50])
      expect(await expireAll()).toEqual([])

      const account = await expectLedgerConsistent("cus_e")
      expect(account.balance).toBe(100)
      expect(await service.nextExpiry(account.id)).toEqual({
        expires_at: new Date("2028-01-01T00:00:00Z"),
        points: 100,
      })
    })

    describe("the expiry page (issue 15: expireLots, set-based)", () => {
      const now = new Date("2027-06-01T00:00:00Z")
      const early = new Date("2027-01-01T00:00:00Z")
      const late = new Date("2027-05-01T00:00:00Z")
      const future = new Date("2028-01-01T00:00:00Z")

      /**
       * Four members whose lots are due at `now`, made the same way under a
       * prefix: one with several due lots and a future one, one who spent part
       * of a lot, one in debt who also holds an expired lot (a compensated
       * credit turned spent points into debt, then the compensated debit gave
       * its points back with the lot's past expiry), and one with 30 lots
       * expiring at the same instant (ties broken by id).
       */
      async function members(p: string) {
        await credit(`${p}_many`, 10, `${p}-m1`, early)
        await credit(`${p}_many`, 20, `${p}-m2`, late)
        await credit(`${p}_many`, 30, `${p}-m3`, late)
        await credit(`${p}_many`, 40, `${p}-m4`, future)
        await credit(`${p}_spent`, 100, `${p}-s1`, early)
        await credit(`${p}_spent`, 100, `${p}-s2`, late)
        await credit(`${p}_spent`, 100, `${p}-s3`, future)
        await service.debitPoints({ customer_id: `${p}_spent`, points: 150, type: "redeem", idempotency_key: `${p}-spend`, reason: "x" })
        const granted = await credit(`${p}_debt`, 100, `${p}-d1`, early)
        const spent = await service.debitPoints({ customer_id: `${p}_debt`, points: 100, type: "redeem", idempotency_key: `${p}-dspend`, reason: "x" })
        await service.revertEntry(granted.entry.id, "rolled back")
        await service.revertEntry(spent.entry.id, "rolled back")
        for (let i = 0; i < 30; i++) await credit(`${p}_ties`, i + 1, `${p}-t${i}`, late)
        const debtor = await expectLedgerConsistent(`${p}_debt`)
        expect(debtor).toMatchObject({ balance: 100, debt: 100 })
        return [`${p}_many`, `${p}_spent`, `${p}_debt`, `${p}_ties`]
      }

      /** The due lots of these members, in the expiry pass's keyset order. */
      async function dueLots(customerIds: string[]): Promise<string[]> {
        const rows: { id: string }[] = await knex()("loyalty_lot as l")
          .join("loyalty_account as a", "a.id", "l.account_id")
          .select("l.id")
          .whereIn("a.customer_id", customerIds)
          .where("l.remaining", ">", 0)
          .where("l.expires_at", "<=", now)
          .orderBy([{ column: "l.expires_at" }, { column: "l.id" }])
        return rows.map((row) => row.id)
      }

      const events = (results: { entry: { type: string; points: number; reason: string }; account: { customer_id: string }; created: boolean }[], prefix: string) =>
        results.map((r) => ({ customer: r.account.customer_id.replace(prefix, "member"), type: r.entry.type, points: r.entry.points, reason: r.entry.reason, created: r.created }))

      it("a page expiring many lots of several members in one go writes exactly the ledger that expiring them one by one wrote", async () => {
        const one = await members("one")
        const oneByOne: PostingResult[] = []
        for (const lotId of await dueLots(one)) {
          const result = await service.expireLot(lotId, now)
          if (result?.created) oneByOne.push(result)
        }

        const paged = await members("page")
        const lotIds = await dueLots(paged)
        expect(lotIds).toHaveLength(3 + 1 + 1 + 30)
        const page = await service.expireLots(lotIds, now)

        expect(await ledgers(paged, "page")).toEqual(await ledgers(one, "one"))
        // The page's results are what the events are made of: the same announcements, in the same order.
        expect(events(page, "page")).toEqual(events(oneByOne, "one"))
        expect(page.map((r) => r.entry.points)).toEqual(oneByOne.map((r) => r.entry.points))
        // What is left of each lot: 10, 20 and 30 (many), 50 of the half-spent lot (spent), the 100 given back (debt).
        const notTies = page.filter((r) => !r.account.customer_id.endsWith("_ties")).map((r) => r.entry.points)
        expect(notTies.sort((a, b) => a - b)).toEqual([-100, -50, -30, -20, -10])
        // Resumable: the same page again expires nothing (each lot's key is taken), and nothing is still due.
        expect(await service.expireLots(lotIds, now)).toEqual([])
        expect(await dueLots(paged)).toEqual([])
        const [many, spent, debt, ties] = await Promise.all(paged.map((c) => expectLedgerConsistent(c)))
        expect(many.balance).toBe(40)
        expect(spent.balance).toBe(100)
        expect(debt).toMatchObject({ balance: 0, debt: 100 })
        expect(ties.balance).toBe(0)
      })

      it("a page failing midway (the database refuses one account's move) leaves nothing of the page applied", async () => {
        const customers = await members("fail")
        const lotIds = await dueLots(customers)
        const before = await ledgers(customers, "fail")
        // One account's cached balance is made short of its lots: moving it by what its lots hold would go
        // below zero, which the database refuses, after the page wrote its entries and emptied its lots.
        const ties = (await accountOf("fail_ties"))!
        await knex()("loyalty_account").where({ id: ties.id }).update({ balance: 1 })
        await expect(service.expireLots(lotIds, now)).rejects.toThrow()
        await knex()("loyalty_account").where({ id: ties.id }).update({ balance: ties.balance })
        expect(await ledgers(customers, "fail")).toEqual(before)
        expect(await dueLots(customers)).toEqual(lotIds)
        // The next run expires the page whole.
        expect(await service.expireLots(lotIds, now)).toHaveLength(lotIds.length)
        expect(await dueLots(customers)).toEqual([])
      })
    })

    describe("the release page (issue 15: releaseOrders, set-based)", () => {
      const now = new Date("2027-06-01T00:00:00Z")
      const due = new Date("2027-05-20T00:00:00Z")
      const expiresAt = new Date("2028-06-01T00:00:00Z")

      /**
       * An order's pending points. Two milliseconds apart, so entry ids (ULIDs,
       * random within a millisecond) follow the order they were written in and
       * ties in the release date are broken alike in both sets of members.
       */
      const earn = async (customer_id: string, order_id: string, points: number, release_at = due) => {
        await new Promise((resolve) => setTimeout(resolve, 2))
        return await service.recordOrderEarning({
          customer_id,
          order_id,
          idempotency_key: "ignored",
          points,
          release_at,
          reason: `Order ${order_id}`,
          program_version: 3,
          currency_code: "eur",
        })
      }

      /**
       * Members whose orders are due at `now`, made the same way under a
       * prefix: one with three orders released at the same instant (ties
       * broken by the entries' ids), one partly reversed in its return window
       * (a return or refund) and one canceled; one in debt 100 whose two
       * orders (60, then 70) pay it off before anything reaches the balance;
       * one whose release was compensated (its key given back); one whose
       * order was released already. Returns the members and the page: what
       * the due queue lists, then orders it does not (released, canceled,
       * unknown) as a page read just before they changed would.
       */
      async function members(p: string) {
        await earn(`${p}_many`, `${p}-m1`, 10)
        await earn(`${p}_many`, `${p}-m2`, 20)
        await earn(`${p}_many`, `${p}-m3`, 30)
        await earn(`${p}_many`, `${p}-m4`, 100, new Date("2027-05-01T00:00:00Z"))
        await service.reverseOrderPoints({ order_id: `${p}-m4`, customer_id: `${p}_many`, canceled: false, target: 63, reason: "refund" })
        await earn(`${p}_many`, `${p}-m5`, 40)
        await service.reverseOrderPoints({ order_id: `${p}-m5`, customer_id: `${p}_many`, canceled: true, reason: "canceled" })
        const granted = await credit(`${p}_debt`, 100, `${p}-d0`)
        const spent = await service.debitPoints({ customer_id: `${p}_debt`, points: 100, type: "redeem", idempotency_key: `${p}-dspend`, reason: "x" })
        await service.revertEntry(granted.entry.id, "rolled back")
        await earn(`${p}_debt`, `${p}-d1`, 60)
        await earn(`${p}_debt`, `${p}-d2`, 70)
        expect(await expectLedgerConsistent(`${p}_debt`)).toMatchObject({ debt: 100, balance: 0, pending: 130 })
        expect(spent.created).toBe(true)
        await earn(`${p}_again`, `${p}-a1`, 25)
        const first = await service.releaseOrderPoints({ order_id: `${p}-a1`, customer_id: `${p}_again`, now, expires_at: expiresAt })
        await service.revertEntry(first!.entry.id, "Release rolled back")
        await earn(`${p}_done`, `${p}-x1`, 15)
        await service.releaseOrderPoints({ order_id: `${p}-x1`, customer_id: `${p}_done`, now, expires_at: expiresAt })

        const customers = [`${p}_many`, `${p}_debt`, `${p}_again`, `${p}_done`]
        const queue = await service.listDueReleases(now, null, 1000)
        const listed = queue.items.filter((item) => customers.includes(item.customer_id))
        const page = [
          ...listed,
          { order_id: `${p}-x1`, customer_id: `${p}_done` },
          { order_id: `${p}-m5`, customer_id: `${p}_many` },
          { order_id: `${p}-none`, customer_id: `${p}_many` },
        ]
        return { customers, page }
      }

      /** What `loyalty.points.released` carries for these entries, ids and times left out and the prefix named alike. */
      const payloads = async (results: PostingResult[], prefix: string) =>
        JSON.parse(
          JSON.stringify(
            (await service.listReleases(results.map((r) => r.entry.id))).map(({ id: _id, account_id: _a, released_at: _r, ...event }) => event)
          )
            .split(`${prefix}_`).join("member_")
            .split(`${prefix}-`).join("key-")
        )

      it("a page releasing many orders of several members in one go writes exactly the ledger that releasing them one by one wrote", async () => {
        const one = await members("one")
        const oneByOne: PostingResult[] = []
        for (const order of one.page) {
          const result = await service.releaseOrderPoints({ ...order, now, expires_at: expiresAt })
          if (result?.created) oneByOne.push(result)
        }

        const paged = await members("page")
        // The queue's order: release date, then the pending entry's id (m1 to a1 share one release date).
        expect(paged.page.map((o) => o.order_id)).toEqual(
          ["page-m4", "page-m1", "page-m2", "page-m3", "page-d1", "page-d2", "page-a1", "page-x1", "page-m5", "page-none"]
        )
        const { results, deferred } = await service.releaseOrders(paged.page, expiresAt)
        expect(deferred).toEqual([])

        expect(await ledgers(paged.customers, "page")).toEqual(await ledgers(one.customers, "one"))
        // The events' payloads, in the same order.
        expect(await payloads(results, "page")).toEqual(await payloads(oneByOne, "one"))
        expect(results.map((r) => r.entry.points)).toEqual([63, 10, 20, 30, 60, 70, 25])
        const [many, debt, again, done] = await Promise.all(paged.customers.map((c) => expectLedgerConsistent(c)))
        expect(many).toMatchObject({ balance: 123, pending: 0 })
        expect(debt).toMatchObject({ balance: 30, pending: 0, debt: 0 })
        expect(again).toMatchObject({ balance: 25, pending: 0 })
        expect(done).toMatchObject({ balance: 15, pending: 0 })
        // Resumable: the same page again releases nothing, and nothing of theirs is due.
        expect(await service.releaseOrders(paged.page, expiresAt)).toEqual({ results: [], deferred: [] })
        const queue = await service.listDueReleases(now, null, 1000)
        expect(queue.items.filter((item) => paged.customers.includes(item.customer_id))).toEqual([])
      })

      it("a page releasing one member's orders to the same expiry spends them in the order released, as one by one would (model seed 1336243363)", async () => {
        // Twelve orders released in one page open twelve lots with one expiry, their ids made within the
        // same millisecond. Spending takes equal-expiry lots by id: the ids must sort in the page's order.
        const orders = Array.from({ length: 12 }, (_, i) => `tie-o${String(i).padStart(2, "0")}`)
        for (const order of orders) await earn("tie_member", order, 10)
        const { results } = await service.releaseOrders(orders.map((order_id) => ({ order_id, customer_id: "tie_member" })), expiresAt)
        expect(results.map((r) => r.entry.order_id)).toEqual(orders)
        await service.debitPoints({ customer_id: "tie_member", points: 55, type: "redeem", idempotency_key: "tie-spend", reason: "x" })
        const lots = await knex()("loyalty_lot as l")
          .join("loyalty_entry as e", "e.id", "l.entry_id")
          .where("e.type", "release")
          .whereIn("e.order_id", orders)
          .select("e.order_id", "l.remaining")
          .orderBy("e.order_id")
        // The first five orders' lots spent, the sixth half, the rest whole.
        expect(lots.map((lot: { remaining: number }) => lot.remaining)).toEqual([0, 0, 0, 0, 0, 5, 10, 10, 10, 10, 10, 10])
      })

      it("a page failing midway (the database refuses one account's move) leaves nothing of the page applied; the next run releases it whole", async () => {
        const { customers, page } = await members("fail")
        const before = await ledgers(customers, "fail")
        // The debtor's cached pending is made short of its orders': moving it by what they hold would go
        // below zero, which the database refuses, after the page wrote its entries and lots.
        const debtor = (await accountOf("fail_debt"))!
        await knex()("loyalty_account").where({ id: debtor.id }).update({ pending: 1 })
        await expect(service.releaseOrders(page, expiresAt)).rejects.toThrow()
        await knex()("loyalty_account").where({ id: debtor.id }).update({ pending: debtor.pending })
        expect(await ledgers(customers, "fail")).toEqual(before)
        const dueNow = (await service.listDueReleases(now, null, 1000)).items.filter((item) => customers.includes(item.customer_id))
        expect(dueNow).toHaveLength(7)

        const { results } = await service.releaseOrders(page, expiresAt)
        expect(results).toHaveLength(7)
        expect((await service.listDueReleases(now, null, 1000)).items.filter((item) => customers.includes(item.customer_id))).toEqual([])
        await Promise.all(customers.map((c) => expectLedgerConsistent(c)))
      })

      it("an account another transaction holds is left to the per-order release; the rest of the page goes on", async () => {
        const { customers, page } = await members("held")
        const held = (await accountOf("held_debt"))!
        const { results, deferred } = await knex().transaction(async (other) => {
          await other("loyalty_account").where({ id: held.id }).forUpdate().first()
          return await service.releaseOrders(page, expiresAt)
        })
        expect(deferred).toEqual(["held-d1", "held-d2"])
        expect(results.map((r) => r.entry.order_id)).toEqual(["held-m4", "held-m1", "held-m2", "held-m3", "held-a1"])
        expect(await expectLedgerConsistent("held_debt")).toMatchObject({ debt: 100, pending: 130 })
        for (const order_id of deferred) await service.releaseOrderPoints({ order_id, customer_id: "held_debt", now, expires_at: expiresAt })
        expect(await expectLedgerConsistent("held_debt")).toMatchObject({ debt: 0, balance: 30, pending: 0 })
        await Promise.all(customers.map((c) => expectLedgerConsistent(c)))
      })
    })

    describe("the award page (issue 15: recordOrderAwards, set-based)", () => {
      const placed = new Date("2027-03-01T10:00:00Z")
      const releaseAt = new Date("2027-03-15T10:00:00Z")

      /** An order's award as `recordOrderEarningStep` hands it over: the pending posting and the order's facts. */
      const award = (customer_id: string, order_id: string, points: number, at = placed, currency_code = "eur") => ({
        earning: {
          customer_id,
          order_id,
          idempotency_key: `earn:order:${order_id}`,
          reference_type: "order",
          reference_id: order_id,
          points,
          release_at: new Date(at.getTime() + 14 * DAY),
          reason: points ? `Order ${order_id}: ${points} EUR × 1` : `Order ${order_id}: USD does not earn points`,
          program_version: 3,
          currency_code,
          details: { points, eligible_amount: points, rate: points ? 1 : null, multiplier: 1, order_display_id: null },
        },
        facts: {
          order_id,
          customer_id,
          currency_code,
          placed_at: at,
          sales_channel_id: "sc_1",
          total: `${points * 1.19}`,
          items_net: `${points}`,
          points_credit: "0",
          lines: [{ id: `${order_id}-line`, product_id: "prod_1", subtotal: `${points}`, discount_subtotal: "0", is_giftcard: false }],
          source: "award" as const,
        },
      })

      /**
       * Members with missed orders, made the same way under a prefix: one
       * with no account yet and three orders, two placed at the same instant
       * (ties: the page keeps the order it is given); one in debt (pending
       * points do not pay debt off); one whose order was awarded before (by
       * `order.placed`: the page skips it, its facts stay the first ones);
       * one whose order's currency earns nothing (a 0-point entry, as one by
       * one); and an order given twice. Returns the members and the page.
       */
      async function missed(p: string) {
        await credit(`${p}_debt`, 30, `${p}-g`)
        await service.debitPoints({ customer_id: `${p}_debt`, points: 30, type: "redeem", idempotency_key: `${p}-spend`, reason: "x" })
        await service.revertEntry((await service.listEntries({ idempotency_key: `${p}-g` }))[0].id, "rolled back")
        await service.recordOrderAward(award(`${p}_before`, `${p}-b1`, 70))
        const page = [
          award(`${p}_new`, `${p}-n1`, 200),
          award(`${p}_new`, `${p}-n2`, 120),
          award(`${p}_debt`, `${p}-d1`, 40),
          award(`${p}_new`, `${p}-n3`, 80, new Date(placed.getTime() + DAY)),
          award(`${p}_before`, `${p}-b1`, 71),
          award(`${p}_usd`, `${p}-u1`, 0, placed, "usd"),
          award(`${p}_debt`, `${p}-d1`, 40),
        ]
        return { customers: ["new", "debt", "before", "usd"].map((m) => `${p}_${m}`), page }
      }

      /** What earning read of these members' orders, ids and times left out, the prefix named alike. */
      async function facts(customers: string[], prefix: string) {
        const rows = await knex()("loyalty_order_fact").whereIn("customer_id", customers).orderBy("order_id")
          .select("order_id", "customer_id", "currency_code", "placed_at", "sales_channel_id", "total", "items_net", "points_credit", "lines", "source")
        return JSON.parse(JSON.stringify(rows).split(`${prefix}_`).join("member_").split(`${prefix}-`).join("key-"))
      }

      /** What `loyalty.points.earned` carries for these results, ids left out and the prefix named alike. */
      const earned = (results: (PostingResult | null)[], prefix: string) =>
        JSON.parse(
          JSON.stringify(pointsEventsFor(results).map(({ id: _id, account_id: _a, ...event }) => event))
            .split(`${prefix}_`).join("member_").split(`${prefix}-`).join("key-")
        )

      it("a page writes exactly the pending entries, accounts and order facts that awarding one by one writes, and announces the same", async () => {
        const one = await missed("one")
        const oneByOne: (PostingResult | null)[] = []
        for (const a of one.page) oneByOne.push((await service.recordOrderAward(a)).result)

        const paged = await missed("page")
        const { results, fact_ids, deferred } = await service.recordOrderAwards(paged.page)
        expect(deferred).toEqual([])
        expect(fact_ids).toHaveLength(5)

        expect(await ledgers(paged.customers, "page")).toEqual(await ledgers(one.customers, "one"))
        expect(await facts(paged.customers, "page")).toEqual(await facts(one.customers, "one"))
        expect(earned(results, "page")).toEqual(earned(oneByOne, "one"))
        expect(results.map((r) => r.created)).toEqual([true, true, true, true, false, true, false])
        expect(results[6].entry.id).toBe(results[2].entry.id)
        expect(results[4].entry.points).toBe(70)
        const [fresh, debt] = await Promise.all(paged.customers.map((c) => expectLedgerConsistent(c)))
        expect(fresh).toMatchObject({ balance: 0, pending: 400, debt: 0, lifetime_earned: 0 })
        expect(debt).toMatchObject({ balance: 0, pending: 40, debt: 30 })
        const written = await service.listEntries({ order_id: ["page-n1", "page-n2", "page-n3"] }, { order: { created_at: "ASC" } })
        expect(written.map((e) => [e.order_id, e.type, e.release_at?.toISOString()])).toEqual([
          ["page-n1", "pending", releaseAt.toISOString()],
          ["page-n2", "pending", releaseAt.toISOString()],
          ["page-n3", "pending", new Date(releaseAt.getTime() + DAY).toISOString()],
        ])

        // The same page again writes nothing and announces nothing.
        const again = await service.recordOrderAwards(paged.page)
        expect(again.results.every((r) => !r.created)).toBe(true)
        expect(again.fact_ids).toEqual([])
        expect(pointsEventsFor(again.results)).toEqual([])
        expect(await ledgers(paged.customers, "page")).toEqual(await ledgers(one.customers, "one"))
      })

      it("a page refused midway by the database leaves nothing: no entry, no account, no fact; the next one writes it whole", async () => {
        const { customers, page } = await missed("fail")
        const before = await ledgers(customers.filter((c) => c !== "fail_new" && c !== "fail_usd"), "fail")
        const factsBefore = await facts(customers, "fail")
        // The last statement fails: a check made for this test refuses the debtor's new pending, after the
        // page created its accounts and wrote its facts and entries.
        const debtor = (await accountOf("fail_debt"))!
        await refuseMove(debtor.id, "pending < 1", () => expect(service.recordOrderAwards(page)).rejects.toThrow(/test_refuse_move/))
        expect(await ledgers(customers.filter((c) => c !== "fail_new" && c !== "fail_usd"), "fail")).toEqual(before)
        expect(await facts(customers, "fail")).toEqual(factsBefore)
        expect(await accountOf("fail_new")).toBeNull()

        const { results } = await service.recordOrderAwards(page)
        expect(results.filter((r) => r.created)).toHaveLength(5)
        await Promise.all(customers.map((c) => expectLedgerConsistent(c)))
      })

      it("an order awarded by order.placed while the page runs earns once: the account lock and the key make the later write a no-op", async () => {
        const { customers, page } = await missed("race")
        const [single, batch] = await Promise.all([
          service.recordOrderAward(award("race_new", "race-n2", 120)),
          service.recordOrderAwards(page),
        ])
        const n2 = batch.results[1]
        expect([single.result!.created, n2.created].filter(Boolean)).toHaveLength(1)
        expect(n2.entry.id).toBe(single.result!.entry.id)
        expect(await service.listEntries({ idempotency_key: "earn:order:race-n2" })).toHaveLength(1)
        expect(await knex()("loyalty_order_fact").where({ order_id: "race-n2" })).toHaveLength(1)
        expect(await expectLedgerConsistent("race_new")).toMatchObject({ pending: 400 })
        await Promise.all(customers.map((c) => expectLedgerConsistent(c)))
      })

      it("an order of a closed account is left to the per-order award, which refuses it; the rest of the page goes on", async () => {
        await credit("gone_a", 10, "gone-seed")
        await service.closeAccount("gone_a")
        const { results, deferred } = await service.recordOrderAwards([award("gone_b", "gone-1", 10), award("gone_a", "gone-2", 20)])
        expect(deferred).toEqual(["gone-2"])
        expect(results.map((r) => r.entry.order_id)).toEqual(["gone-1"])
        expect(await knex()("loyalty_order_fact").where({ order_id: "gone-2" })).toEqual([])
        await expect(service.recordOrderAward(award("gone_a", "gone-2", 20))).rejects.toThrow("their points account is closed")
      })
    })

    it("reverts a compensated entry, turning spent points into debt", async () => {
      const granted = await credit("cus_f", 40, "grant")
      await service.debitPoints({ customer_id: "cus_f", points: 30, type: "redeem", idempotency_key: "spend", reason: "x" })
      await service.revertEntry(granted.entry.id, "rolled back")
      await service.revertEntry(granted.entry.id, "rolled back twice")
      const account = await expectLedgerConsistent("cus_f")
      expect(account).toMatchObject({ balance: 0, debt: 30 })
    })

    describe("undoing a credit that a take-back took back, in part or in whole", () => {
      /** A take-back of the credit under `creditKey` (`points`: only that many), as the order.canceled take-backs post it. */
      const takeBack = (creditKey: string, key: string, points?: number) =>
        service.takeBackCredit({ credit_key: creditKey, idempotency_key: key, reason: "taken back", ...(points ? { points } : {}) })
      const figures = async (customerId: string) =>
        pick(await expectLedgerConsistent(customerId), ["balance", "pending", "debt", "lifetime_earned", "lifetime_redeemed"])
      const entriesOf = async (customerId: string) => {
        const account = (await accountOf(customerId))!
        const rows = await knex()("loyalty_entry").where({ account_id: account.id }).orderBy([{ column: "created_at" }, { column: "id" }])
        return rows.map((e) => [e.type, e.points, e.idempotency_key, e.voided_at !== null])
      }

      it("a credit taken back whole: undoing it writes nothing and says so (null), once or in a batch", async () => {
        await credit("tb_all", 50, "tb-all-seed")
        const granted = await credit("tb_all", 100, "tb-all-credit")
        expect(await takeBack("tb-all-credit", "tb-all-revoke")).toMatchObject({ created: true, entry: { points: -100 } })

        expect(await service.revertEntry(granted.entry.id, "Credit rolled back")).toBeNull()
        expect(await service.revertEntries([granted.entry.id], "Credit rolled back")).toEqual([])
        expect(await figures("tb_all")).toEqual({ balance: 50, pending: 0, debt: 0, lifetime_earned: 50, lifetime_redeemed: 0 })
        expect(await entriesOf("tb_all")).toEqual([
          ["adjust", 50, "tb-all-seed", false],
          ["adjust", 100, "tb-all-credit", false],
          ["reverse", -100, "tb-all-revoke", false],
        ])
      })

      it("a credit taken back in part: undoing it takes the rest, once; nothing is left for another take-back", async () => {
        await credit("tb_part", 50, "tb-part-seed")
        const granted = await credit("tb_part", 100, "tb-part-credit")
        expect(await takeBack("tb-part-credit", "tb-part-revoke", 30)).toMatchObject({ created: true, entry: { points: -30 } })

        const undone = await service.revertEntry(granted.entry.id, "Credit rolled back")
        expect(undone).toMatchObject({ created: true, entry: { type: "adjust", points: -70, balance_change: -70, debt_change: 0 } })
        expect((await service.revertEntry(granted.entry.id, "Credit rolled back again"))?.created).toBe(false)
        expect(await takeBack("tb-part-credit", "tb-part-revoke-2")).toBeNull()
        expect(await figures("tb_part")).toEqual({ balance: 50, pending: 0, debt: 0, lifetime_earned: 50, lifetime_redeemed: 0 })
        expect((await entriesOf("tb_part")).map(([type, points]) => [type, points])).toEqual([
          ["adjust", 50],
          ["adjust", 100],
          ["reverse", -30],
          ["adjust", -70],
        ])
      })

      it("a credit already spent and taken back (as debt): undoing it invents no more debt", async () => {
        const granted = await credit("tb_spent", 100, "tb-spent-credit")
        await service.debitPoints({ customer_id: "tb_spent", points: 80, type: "redeem", idempotency_key: "tb-spent-redeem", reason: "spent" })
        expect(await takeBack("tb-spent-credit", "tb-spent-revoke")).toMatchObject({ entry: { points: -100, balance_change: -20, debt_change: 80 } })

        expect(await service.revertEntry(granted.entry.id, "Credit rolled back")).toBeNull()
        expect(await figures("tb_spent")).toEqual({ balance: 0, pending: 0, debt: 80, lifetime_earned: 0, lifetime_redeemed: 80 })
      })

      it("an undone credit is not taken back, and a take-back rolled back leaves the whole credit to undo", async () => {
        await credit("tb_undo", 50, "tb-undo-seed")
        const undoneFirst = await credit("tb_undo", 100, "tb-undo-first")
        await service.revertEntry(undoneFirst.entry.id, "Credit rolled back")
        expect(await takeBack("tb-undo-first", "tb-undo-first-revoke")).toBeNull()

        const granted = await credit("tb_undo", 40, "tb-undo-credit")
        const taken = await takeBack("tb-undo-credit", "tb-undo-revoke")
        await service.revertEntry(taken!.entry.id, "Take-back rolled back")
        expect(await service.revertEntry(granted.entry.id, "Credit rolled back")).toMatchObject({ created: true, entry: { points: -40 } })
        expect(await figures("tb_undo")).toEqual({ balance: 50, pending: 0, debt: 0, lifetime_earned: 50, lifetime_redeemed: 0 })
      })

      it("a take-back and an undo of the same credit racing take it once, whichever comes first", async () => {
        await credit("tb_race", 50, "tb-race-seed")
        for (let i = 0; i < 5; i++) {
          const granted = await credit("tb_race", 100, `tb-race-credit-${i}`)
          await Promise.all([
            takeBack(`tb-race-credit-${i}`, `tb-race-revoke-${i}`),
            service.revertEntry(granted.entry.id, "Credit rolled back"),
          ])
          expect(await figures("tb_race")).toMatchObject({ balance: 50, debt: 0, lifetime_earned: 50 })
        }
      })
    })

    describe("coupon purchases that died part-way (coupons review 2, defect 1)", () => {
      /** What a purchase writes before its last step: the coupon row, then (`debited`) its debit. */
      async function unfinishedPurchase(customerId: string, key: string, debited: boolean) {
        const { coupon } = await service.reserveCoupon({
          customer_id: customerId,
          reward_id: "lrwd_test",
          code: `PTS-${key}`,
          currency_code: "eur",
          points_spent: 300,
          expires_at: new Date(Date.now() + 7 * DAY),
          refund_on_expiry: true,
          idempotency_key: IdempotencyKeys.couponPurchase(customerId, key),
          per_customer_limit: null,
        })
        const debit = debited
          ? await service.debitPoints({
              customer_id: customerId,
              points: 300,
              type: "redeem",
              idempotency_key: IdempotencyKeys.couponRedemption(coupon.id),
              reason: "coupon",
              reference_type: "coupon",
              reference_id: coupon.id,
            })
          : null
        return { coupon, debit }
      }
      const later = () => new Date(Date.now() + 60_000)

      it("gives the points back once, whether the pass or a slow purchase's own compensation comes first, and never ties a settled coupon", async () => {
        await credit("cus_crash", 1000, "crash-grant")
        // The pass first, then the slow purchase reaches its last step and is compensated.
        const first = await unfinishedPurchase("cus_crash", "AAAA", true)
        expect((await accountOf("cus_crash"))!.balance).toBe(700)
        const settled = await service.settleUnfinishedCoupon(first.coupon.id, { cutoff: later(), promotion_id: null })
        expect(settled).toMatchObject({ outcome: "refund", refund: { created: true } })
        expect((await accountOf("cus_crash"))!.balance).toBe(1000)
        expect(await service.settleUnfinishedCoupon(first.coupon.id, { cutoff: later(), promotion_id: null })).toBeNull()
        await expect(
          service.finishCoupon({ id: first.coupon.id, entry_id: first.debit!.entry.id, promotion_id: "promo_late" })
        ).rejects.toMatchObject({ type: "conflict" })
        await service.revertEntries([first.debit!.entry.id], "Debit rolled back")
        expect((await accountOf("cus_crash"))!.balance).toBe(1000)

        // The compensation first (the process died before it dropped the coupon row), then the pass.
        const second = await unfinishedPurchase("cus_crash", "BBBB", true)
        await service.revertEntries([second.debit!.entry.id], "Debit rolled back")
        expect(await service.settleUnfinishedCoupon(second.coupon.id, { cutoff: later(), promotion_id: null })).toMatchObject({
          outcome: "drop",
          refund: null,
        })
        expect((await accountOf("cus_crash"))!.balance).toBe(1000)
        expect(await service.listCoupons({ customer_id: "cus_crash" })).toEqual([])
        await expectLedgerConsistent("cus_crash")
      })

      it("finishes a paid purchase whose promotion was made, and leaves purchases younger than the cutoff alone", async () => {
        await credit("cus_finish", 1000, "finish-grant")
        const paid = await unfinishedPurchase("cus_finish", "CCCC", true)
        expect(await service.settleUnfinishedCoupon(paid.coupon.id, { cutoff: new Date(Date.now() - 60_000), promotion_id: "promo_c" })).toBeNull()
        const page = await service.listUnfinishedCoupons(later(), null, 10)
        expect(page.items).toEqual([paid.coupon.id])
        expect(await service.settleUnfinishedCoupon(paid.coupon.id, { cutoff: later(), promotion_id: "promo_c" })).toMatchObject({
          outcome: "finish",
        })
        const [coupon] = await service.listCoupons({ id: paid.coupon.id })
        expect(coupon).toMatchObject({ promotion_id: "promo_c", entry_id: paid.debit!.entry.id })
        // The slow purchase's own last step ties the same promotion: no harm done.
        await service.finishCoupon({ id: paid.coupon.id, entry_id: paid.debit!.entry.id, promotion_id: "promo_c" })
        expect((await service.listUnfinishedCoupons(later(), null, 10)).items).toEqual([])
        expect((await accountOf("cus_finish"))!.balance).toBe(700)
        await expectLedgerConsistent("cus_finish")
      })
    })

    it("undoes a batch's entries whole or not at all: one that cannot be undone leaves the others in place", async () => {
      const first = await credit("undo_a", 40, "undo-a")
      const second = await credit("undo_b", 25, "undo-b")
      // undo_b's customer is deleted: their account is closed, and nothing can be posted on it.
      await service.closeAccount("undo_b")
      await expect(service.revertEntries([first.entry.id, second.entry.id], "Credit rolled back")).rejects.toThrow(
        "their points account is closed"
      )
      expect(await expectLedgerConsistent("undo_a")).toMatchObject({ balance: 40, lifetime_earned: 40 })
      expect((await service.listEntries({ id: first.entry.id }))[0].voided_at).toBeNull()

      const third = await credit("undo_c", 15, "undo-c")
      const undone = await service.revertEntries([third.entry.id, first.entry.id, "lent_missing"], "Credit rolled back")
      // In customer order (the lock order of every multi-account write); a missing entry is skipped.
      expect(undone.map((result) => result.entry.reference_id)).toEqual([first.entry.id, third.entry.id])
      expect(await expectLedgerConsistent("undo_a")).toMatchObject({ balance: 0, lifetime_earned: 0 })
      expect(await expectLedgerConsistent("undo_c")).toMatchObject({ balance: 0, lifetime_earned: 0 })
      // Keyed by the entry: undoing the batch again changes nothing.
      expect((await service.revertEntries([first.entry.id, third.entry.id], "Credit rolled back")).map((r) => r.created)).toEqual([
        false,
        false,
      ])
      expect(await expectLedgerConsistent("undo_a")).toMatchObject({ balance: 0 })
    })

    it("a compensated reversal, restore or release frees its key: the retry posts again and the summary counts only effective entries (issue 12, defect 4)", async () => {
      const customer_id = "cus_void"
      const order_id = "order_void"
      await service.recordOrderEarning({
        customer_id,
        order_id,
        idempotency_key: "ignored",
        points: 100,
        release_at: new Date(Date.now() - DAY),
        reason: "Order #9",
      })
      await credit(customer_id, 60, "grant")
      await service.debitPoints({
        customer_id,
        order_id,
        points: 40,
        type: "redeem",
        idempotency_key: "redeem:order_void",
        reason: "spent on the order",
      })
      const cancel = {
        order_id,
        customer_id,
        canceled: true,
        captured: 50,
        refunded: 0,
        reason: "canceled",
      }

      // Reverse, then a later step fails: the compensation undoes the reversal.
      const reversed = await service.reverseOrderPoints(cancel)
      await service.revertEntry(reversed!.entry.id, "Reversal rolled back")
      const [afterUndo] = await service.summarizeOrders([order_id])
      expect(afterUndo).toMatchObject({ earned: 100, reversed: 0, pending: 100, redeemed: 40, restored: 0 })
      // The retry reverses again: the key is free.
      const retried = await service.reverseOrderPoints(cancel)
      expect(retried).toMatchObject({ created: true, entry: { points: -100, pending_change: -100 } })

      // The same for restoring the points spent on the order.
      const restore = { order_id, customer_id, canceled: true, returned_share: 0, reason: "canceled", expires_at: null }
      const restored = await service.restoreOrderRedemption(restore)
      await service.revertEntry(restored!.entry.id, "Restore rolled back")
      expect((await service.summarizeOrders([order_id]))[0]).toMatchObject({ redeemed: 40, restored: 0 })
      expect(await service.restoreOrderRedemption(restore)).toMatchObject({ created: true, entry: { points: 40 } })

      const account = await expectLedgerConsistent(customer_id)
      expect(account).toMatchObject({ balance: 60, pending: 0, debt: 0 })
      const [summary] = await service.summarizeOrders([order_id])
      expect(summary).toMatchObject({ earned: 100, released: 0, reversed: 100, pending: 0, redeemed: 40, restored: 40 })
    })

    it("undoing a posting puts the lifetime counters back as they were: a reversal, a credit and a release paying off debt, a restore", async () => {
      const customer_id = "cus_lifetime"
      const counters = async () => {
        const account = await expectLedgerConsistent(customer_id)
        return pick(account, ["balance", "pending", "debt", "lifetime_earned", "lifetime_redeemed"])
      }
      /** Post, undo as a compensation does, and check that nothing is left of it, counters included; then post again. */
      const postUndoRepost = async (post: () => Promise<PostingResult | null>) => {
        const before = await counters()
        const posted = await post()
        expect(posted).toMatchObject({ created: true })
        await service.revertEntry(posted!.entry.id, "rolled back")
        expect(await counters()).toEqual(before)
        expect(await post()).toMatchObject({ created: true })
      }
      const order = (order_id: string) => ({ order_id, customer_id, now: new Date(), expires_at: null })
      await service.recordOrderEarning({ customer_id, order_id: "order_life_1", idempotency_key: "ignored", points: 100, release_at: new Date(Date.now() - DAY), reason: "Order #1" })
      await service.releaseOrderPoints(order("order_life_1"))
      await service.debitPoints({ customer_id, order_id: "order_life_1", points: 80, type: "redeem", idempotency_key: "redeem:order_life_1", reason: "spent on the order" })
      expect(await counters()).toEqual({ balance: 20, pending: 0, debt: 0, lifetime_earned: 100, lifetime_redeemed: 80 })

      // The order canceled: 20 from the balance, 80 into debt, 100 no longer earned.
      await postUndoRepost(() => service.reverseOrderPoints({ order_id: "order_life_1", customer_id, canceled: true, reason: "canceled" }))
      expect(await counters()).toEqual({ balance: 0, pending: 0, debt: 80, lifetime_earned: 0, lifetime_redeemed: 80 })
      // A goodwill credit of 50 pays off 50 of the debt: all 50 earned.
      await postUndoRepost(() => credit(customer_id, 50, "goodwill-life"))
      expect(await counters()).toEqual({ balance: 0, pending: 0, debt: 30, lifetime_earned: 50, lifetime_redeemed: 80 })
      // Another order released: 30 of its 40 pay off the rest of the debt.
      await service.recordOrderEarning({ customer_id, order_id: "order_life_2", idempotency_key: "ignored", points: 40, release_at: new Date(Date.now() - DAY), reason: "Order #2" })
      await postUndoRepost(() => service.releaseOrderPoints(order("order_life_2")))
      expect(await counters()).toEqual({ balance: 10, pending: 0, debt: 0, lifetime_earned: 90, lifetime_redeemed: 80 })
      // The points spent on the canceled order given back: no longer redeemed.
      await postUndoRepost(() =>
        service.restoreOrderRedemption({ order_id: "order_life_1", customer_id, canceled: true, reason: "canceled", expires_at: null })
      )
      expect(await counters()).toEqual({ balance: 90, pending: 0, debt: 0, lifetime_earned: 90, lifetime_redeemed: 0 })
    })

    it("reads the due queues in keyset pages: each due row once, ties broken by id, settled rows skipped without ending the read (issue 15)", async () => {
      /** Every page of a due read from the start, and how many reads it took. */
      async function drain<T>(read: (after: DueCursor | null) => Promise<DuePage<T>>) {
        const items: T[] = []
        let reads = 0
        for (let after: DueCursor | null = null; ; ) {
          const page = await read(after)
          reads++
          items.push(...page.items)
          if (!page.next) return { items, reads }
          after = page.next
        }
      }
      const customer_id = "cus_keyset"
      const now = new Date()
      const releaseAt = new Date(now.getTime() - DAY) // the same date for all five: only the id breaks the tie
      const orders = ["order_ks1", "order_ks2", "order_ks3", "order_ks4", "order_ks5"]
      for (const [i, order_id] of orders.entries()) {
        await service.recordOrderEarning({ customer_id, order_id, idempotency_key: "ignored", points: 10 + i, release_at: releaseAt, reason: `Order ${i}` })
      }
      for (const order_id of ["order_ks2", "order_ks4"]) {
        await service.releaseOrderPoints({ order_id, customer_id, now, expires_at: null })
      }
      // Pages of 2 pending entries: [1, 2] keeps 1, [3, 4] keeps 3, [5] keeps 5 and ends the queue.
      const due = await drain((after) => service.listDueReleases(now, after, 2))
      expect(due).toEqual({ items: ["order_ks1", "order_ks3", "order_ks5"].map((order_id) => ({ order_id, customer_id })), reads: 3 })

      // Releases written a few microseconds apart: the cursor keeps Postgres's precision, so none is read twice.
      const releases = await drain((after) => service.listReleaseIds(new Date(now.getTime() - DAY), new Date(Date.now() + DAY), after, 1))
      const written = await service.listEntries({ type: "release", account: { customer_id } }, { select: ["id"], order: { created_at: "ASC" } })
      expect(releases).toEqual({ items: written.map((entry) => entry.id), reads: 3 })
      expect(releases.items).toHaveLength(2)

      // Three lots expiring at the same instant, read two at a time.
      const expiry = new Date(now.getTime() - 2 * DAY)
      for (const key of ["ks-lot-a", "ks-lot-b", "ks-lot-c"]) await credit("cus_keyset_lots", 5, key, expiry)
      const lots = await drain((after) => service.listExpiredLots(now, after, 2))
      const open = await service.listLots({ account: { customer_id: "cus_keyset_lots" } }, { select: ["id"], order: { id: "ASC" } })
      expect(lots).toEqual({ items: open.map((lot) => lot.id), reads: 2 })
    })

    it("a compensated release is released again and leaves the due list (issue 12, defect 4)", async () => {
      const customer_id = "cus_rel"
      const order_id = "order_rel"
      const now = new Date()
      await service.recordOrderEarning({
        customer_id,
        order_id,
        idempotency_key: "ignored",
        points: 70,
        release_at: new Date(now.getTime() - DAY),
        reason: "Order #10",
      })
      const release = { order_id, customer_id, now, expires_at: null }
      const released = await service.releaseOrderPoints(release)
      await service.revertEntry(released!.entry.id, "Release rolled back")
      expect((await service.summarizeOrders([order_id]))[0]).toMatchObject({ earned: 70, released: 0, pending: 70 })
      expect(await service.listDueReleases(now, null, 10)).toEqual({ items: [{ order_id, customer_id }], next: null })

      expect(await service.releaseOrderPoints(release)).toMatchObject({ created: true, entry: { points: 70 } })
      expect(await service.listDueReleases(now, null, 10)).toEqual({ items: [], next: null })
      const account = await expectLedgerConsistent(customer_id)
      expect(account).toMatchObject({ balance: 70, pending: 0 })
      expect((await service.summarizeOrders([order_id]))[0]).toMatchObject({ earned: 70, released: 70, pending: 0 })
    })

    it("pages a long ledger newest first off the index", async () => {
      for (let i = 0; i < 25; i++) await credit("cus_g", 1, `k${i}`)
      const account = (await accountOf("cus_g"))!
      const first = await service.listAccountEntries(account.id, { limit: 10, offset: 0 })
      const last = await service.listAccountEntries(account.id, { limit: 10, offset: 20 })
      expect(first.entries).toHaveLength(10)
      expect(first.has_more).toBe(true)
      expect(first.entries[0].idempotency_key).toBe("k24")
      expect(last.entries.map((e) => e.idempotency_key)).toEqual(["k4", "k3", "k2", "k1", "k0"])
      expect(last.has_more).toBe(false)

      // 100k more entries: a page is still read straight off the index, newest
      // first, with no sort over the account's history.
      await knex().raw(
        `INSERT INTO loyalty_entry (id, account_id, type, points, balance_change, reason, idempotency_key, created_at)
         SELECT 'lent_bulk_' || g, ?, 'adjust', 0, 0, 'bulk', 'bulk:' || g, now() - interval '1 day' - (g || ' seconds')::interval
           FROM generate_series(1, 100000) g`,
        [account.id]
      )
      await knex().raw("ANALYZE loyalty_entry")
      const { rows } = await knex().raw(
        `EXPLAIN SELECT * FROM loyalty_entry WHERE account_id = ? AND deleted_at IS NULL
         ORDER BY created_at DESC, id DESC LIMIT 21 OFFSET 0`,
        [account.id]
      )
      const plan = rows.map((row: { "QUERY PLAN": string }) => row["QUERY PLAN"]).join("\n")
      expect(plan).toMatch(/Index Scan Backward using "IDX_loyalty_entry_account_created"/)
      expect(plan).not.toMatch(/Sort/)
      const page = await service.listAccountEntries(account.id, { limit: 20, offset: 0 })
      expect(page.entries[0].idempotency_key).toBe("k24")
      expect(page.has_more).toBe(true)
    })

    it("versions the program: options first, saved rules win, invalid rules refused", async () => {
      expect(await service.getProgramRules()).toMatchObject({ version: 0, earn_rates: { eur: 1 }, pending_days: 14 })
      const saved = await service.updateProgramRules({ earn_rates: { eur: 2, usd: 1 } }, "user_1")
      expect(saved).toMatchObject({ version: 1, earn_rates: { eur: 2, usd: 1 }, pending_days: 14 })
      expect(await service.getProgramRules()).toMatchObject({ version: 1, earn_rates: { eur: 2, usd: 1 } })
      await expect(service.updateProgramRules({ redeem_step: 7 }, "user_1")).rejects.toThrow(
        /min_redeem_points must be a multiple of redeem_step/
      )
      expect((await service.getProgramRules()).version).toBe(1)
      expect((await service.getProgramRulesVersion(0)).earn_rates).toEqual({ eur: 1 })
    })

    describe("credits to many accounts (issue 15: creditPointsBatch, set-based)", () => {
      const expires = new Date("2028-03-01T00:00:00Z")
      /** A referral-like earn credit of `points` to `customer` under `key`. */
      const posting = (customer: string, points: number, key: string) => ({
        customer_id: customer,
        points,
        type: "earn" as const,
        idempotency_key: key,
        reason: `credit ${key}`,
        reference_type: "referral",
        reference_id: key,
        program_version: 3,
        details: { key, side: "referrer" },
        expires_at: expires,
      })

      /**
       * Members whose credits are due, made the same way under a prefix: one
       * with no account yet, one credited three times, one in debt (30 points,
       * paid off by the first credit and part of the second), one whose
       * credit was written before (its key answers the first entry), and a
       * key given twice in the batch.
       */
      async function batch(p: string) {
        await credit(`${p}_debt`, 30, `${p}-g`)
        const spent = await service.debitPoints({ customer_id: `${p}_debt`, points: 30, type: "redeem", idempotency_key: `${p}-spend`, reason: "x" })
        expect(spent.created).toBe(true)
        await service.revertEntry((await service.listEntries({ idempotency_key: `${p}-g` }))[0].id, "rolled back")
        expect(await expectLedgerConsistent(`${p}_debt`)).toMatchObject({ balance: 0, debt: 30 })
        await service.creditPoints(posting(`${p}_before`, 70, `${p}-b1`))
        return [
          posting(`${p}_new`, 200, `${p}-n1`),
          posting(`${p}_many`, 300, `${p}-m1`),
          posting(`${p}_debt`, 20, `${p}-d1`),
          posting(`${p}_many`, 300, `${p}-m2`),
          posting(`${p}_debt`, 200, `${p}-d2`),
          posting(`${p}_before`, 70, `${p}-b1`),
          posting(`${p}_many`, 50, `${p}-m3`),
          posting(`${p}_new`, 200, `${p}-n1`),
        ]
      }
      const members = (p: string) => ["new", "many", "debt", "before"].map((m) => `${p}_${m}`)

      /** The members' ledgers with ids replaced by their place (as the expiry page's test compares them). */
      async function ledgers(customerIds: string[], prefix: string) {
        const out: unknown[] = []
        const labels = new Map<string, string>()
        for (const customerId of customerIds) {
          if (!(await accountOf(customerId))) {
            out.push({ customer: customerId, account: null })
            continue
          }
          const account = await expectLedgerConsistent(customerId)
          const entries = await knex()("loyalty_entry").where({ account_id: account.id }).orderBy([{ column: "created_at" }, { column: "id" }])
          const lots = await knex()("loyalty_lot as l").join("loyalty_entry as e", "e.id", "l.entry_id").where("l.account_id", account.id)
            .orderBy([{ column: "e.created_at" }, { column: "l.id" }]).select("l.*")
          entries.forEach((entry, i) => labels.set(entry.id, `${customerId}:entry${i}`))
          lots.forEach((lot, i) => labels.set(lot.id, `${customerId}:lot${i}`))
          out.push({
            customer: customerId,
            account: pick(account, ["balance", "pending", "debt", "lifetime_earned", "lifetime_redeemed"]),
            entries: entries.map((e) => ({
              ...pick(e, ["id", "type", "points", "balance_change", "pending_change", "debt_change", "reason", "actor_type", "actor_id", "reference_type", "reference_id", "order_id", "idempotency_key", "program_version", "currency_code", "release_at", "details"]),
              voided: e.voided_at !== null,
            })),
            lots: lots.map((l) => ({ ...pick(l, ["entry_id", "points", "remaining"]), expires_at: l.expires_at ? new Date(l.expires_at).toISOString() : null })),
          })
        }
        let text = JSON.stringify(out)
        for (const [id, label] of labels) text = text.split(id).join(label)
        return JSON.parse(text.split(`${prefix}_`).join("member_").split(`${prefix}-`).join("key-"))
      }

      const announced = (results: PostingResult[], prefix: string) =>
        results.map((r) => ({ customer: r.account.customer_id.replace(prefix, "member"), key: r.entry.idempotency_key.replace(prefix, "key"), points: r.entry.points, created: r.created }))

      it("a batch writes exactly the ledger that crediting one by one writes: new accounts, several credits per account, debt paid first, keys already used", async () => {
        const one = await batch("one")
        const oneByOne: PostingResult[] = []
        for (const p of one) oneByOne.push(await service.creditPoints(p))

        const postings = await batch("page")
        const page = await service.creditPointsBatch(postings)

        expect(await ledgers(members("page"), "page")).toEqual(await ledgers(members("one"), "one"))
        expect(announced(page, "page")).toEqual(announced(oneByOne, "one"))
        // The key given twice and the one written before answer their first entries.
        expect(page[7].entry.id).toBe(page[0].entry.id)
        expect(page.map((r) => r.created)).toEqual([true, true, true, true, true, false, true, false])
        const debtor = await expectLedgerConsistent("page_debt")
        expect(debtor).toMatchObject({ balance: 190, debt: 0 })
        // Again: nothing new.
        const again = await service.creditPointsBatch(postings)
        expect(again.every((r) => !r.created)).toBe(true)
        expect(await ledgers(members("page"), "page")).toEqual(await ledgers(members("one"), "one"))
      })

      it("a batch refused midway by the database leaves nothing; the next one writes it whole", async () => {
        const postings = await batch("fail")
        await service.creditPoints(posting("fail_many", 1, "fail-seed"))
        const before = await ledgers(members("fail"), "fail")
        // The last statement fails: a check made for this test refuses one account's new lifetime figure,
        // after the batch wrote its accounts, entries and lots.
        const many = (await accountOf("fail_many"))!
        await refuseMove(many.id, "lifetime_earned < 100", () => expect(service.creditPointsBatch(postings)).rejects.toThrow(/test_refuse_move/))
        expect(await ledgers(members("fail"), "fail")).toEqual(before)
        expect(await accountOf("fail_new")).toBeNull()

        const page = await service.creditPointsBatch(postings)
        expect(page.filter((r) => r.created)).toHaveLength(6)
        await Promise.all(members("fail").map((c) => expectLedgerConsistent(c)))
      })

      it("refuses a credit or a batch that would take an account past 2,147,483,647 points with a 400-class error, writing nothing", async () => {
        await credit("full_a", 2_147_000_000, "full-seed")
        const before = await ledgers(["full_a", "full_b"], "full")
        await expect(credit("full_a", 483_648, "full-1")).rejects.toMatchObject({
          type: "not_allowed",
          message: "Too many points: the balance would be 2147483648, more than the 2147483647 an account can hold",
        })
        // Two credits that fit one at a time, not together: the page sums them as one-by-one would.
        await expect(
          service.creditPointsBatch([posting("full_b", 10, "full-2"), posting("full_a", 300_000, "full-3"), posting("full_a", 300_000, "full-4")])
        ).rejects.toThrow("Too many points: the balance would be 2147600000, more than the 2147483647 an account can hold")
        expect(await ledgers(["full_a", "full_b"], "full")).toEqual(before)
        expect(await service.listEntries({ idempotency_key: ["full-1", "full-2", "full-3", "full-4"] })).toEqual([])
        // Up to it is fine.
        expect((await service.creditPointsBatch([posting("full_a", 483_647, "full-5")]))[0].account).toMatchObject({ balance: 2_147_483_647 })
      })

      it("refuses a batch with a closed account, writing nothing", async () => {
        await credit("closed_a", 10, "closed-seed")
        await service.closeAccount("closed_a")
        await expect(
          service.creditPointsBatch([posting("closed_b", 10, "closed-1"), posting("closed_a", 10, "closed-2")])
        ).rejects.toThrow("Customer closed_a was deleted: their points account is closed")
        expect(await accountOf("closed_b")).toBeNull()
        expect(await service.listEntries({ idempotency_key: ["closed-1", "closed-2"] })).toEqual([])
      })
    })
  },
})

/** These fields of a row. */
function pick<T extends Record<string, unknown>>(row: T, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, row[key]]))
}
