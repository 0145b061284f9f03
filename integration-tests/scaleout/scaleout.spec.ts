import axios from "axios"
import { Queue } from "bullmq"
import Redis from "ioredis"
import { Client } from "pg"
import { eventually, get, HttpClient, memberWith, placeOrder, post } from "../helpers"
import { JOB_RUNS_KEY, JOBS_PAUSED_KEY } from "./app/src/job-runs"
import { Cluster, startCluster } from "./cluster"

jest.setTimeout(240_000)

/** SCALEOUT_JOB_INTERVAL_MS of the test store (cluster.ts) */
const JOB_INTERVAL_MS = 3000

const JOB_NAMES = [
  "loyalty-evaluate-referrals",
  "loyalty-evaluate-tiers",
  "loyalty-expire-points",
  "loyalty-recompute-insights",
  "loyalty-release-pending-points",
]

type JobRun = { name: string; scheduledFor: string; pid: number; mode: string; paused: boolean; error: string | null }

/**
 * The production setup of a store that outgrows one process: one `server`
 * and two `worker` processes (`medusa start`, MEDUSA_WORKER_MODE) sharing
 * Medusa's Redis event bus, Redis workflow engine and Redis locking. The test
 * drives the server over HTTP and reads the ledger from Postgres: awards are
 * written once, redemptions never overdraw, every job runs once per tick,
 * and a worker killed mid-award leaves nothing the retry cannot finish once.
 */
describe("loyalty on one server and two workers sharing Redis", () => {
  let cluster: Cluster
  let db: Client
  let redis: Redis
  let events: Queue
  let api: HttpClient
  let storeHeaders: Cluster["fixture"]["storeHeaders"]
  let adminHeaders: Record<string, string>

  beforeAll(async () => {
    cluster = await startCluster({ workers: 2 })
    db = new Client({ connectionString: cluster.databaseUrl })
    await db.connect()
    redis = new Redis(cluster.redisUrl)
    events = new Queue("events-queue", { prefix: "RedisEventBusService", connection: new Redis(cluster.redisUrl, { maxRetriesPerRequest: null }) })
    api = axios.create({ baseURL: cluster.server.url })
    storeHeaders = cluster.fixture.storeHeaders
    adminHeaders = cluster.fixture.adminHeaders
  }, 300_000)

  afterAll(async () => {
    await events?.close()
    redis?.disconnect()
    await db?.end()
    await cluster?.stop()
  })

  /** No order event waits, runs or waits for a retry: what was emitted has been handled. */
  const eventsDrained = () =>
    eventually(
      async () => {
        const counts = await events.getJobCounts("waiting", "active", "delayed", "prioritized", "paused")
        expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0, paused: 0 })
      },
      { timeout: 60_000, interval: 250 }
    )

  const entriesOf = async (orderId: string) =>
    (
      await db.query<{ type: string; pending_change: number; balance_change: number }>(
        `SELECT type, pending_change, balance_change FROM loyalty_entry
          WHERE order_id = $1 AND voided_at IS NULL ORDER BY created_at`,
        [orderId]
      )
    ).rows

  const awardsOf = async (orderId: string) =>
    (await entriesOf(orderId)).filter((e) => e.type === "pending" || e.type === "earn")

  /** Cached figures, ledger sums and open lots of one member, read in one statement. */
  const totals = async (customerId: string) => {
    const { rows } = await db.query(
      `SELECT a.balance, a.pending, a.debt,
              (SELECT coalesce(sum(balance_change), 0)::int FROM loyalty_entry e WHERE e.account_id = a.id) AS ledger_balance,
              (SELECT coalesce(sum(pending_change), 0)::int FROM loyalty_entry e WHERE e.account_id = a.id) AS ledger_pending,
              (SELECT coalesce(sum(debt_change), 0)::int FROM loyalty_entry e WHERE e.account_id = a.id) AS ledger_debt,
              (SELECT coalesce(sum(remaining), 0)::int FROM loyalty_lot l WHERE l.account_id = a.id) AS lots
         FROM loyalty_account a WHERE a.customer_id = $1 AND a.deleted_at IS NULL`,
      [customerId]
    )
    return rows[0]
  }

  const expectInvariants = async (customerId: string) => {
    const t = await totals(customerId)
    expect(t.balance).toBeGreaterThanOrEqual(0)
    expect({ balance: t.balance, pending: t.pending, debt: t.debt }).toEqual({
      balance: t.ledger_balance,
      pending: t.ledger_pending,
      debt: t.ledger_debt,
    })
    expect(t.lots).toBe(t.balance)
    return t
  }

  const jobRuns = async (): Promise<JobRun[]> => (await redis.lrange(JOB_RUNS_KEY, 0, -1)).map((r) => JSON.parse(r))

  const shop = (customerHeaders: Record<string, string>, email: string, extra: Partial<Parameters<typeof placeOrder>[2]> = {}) =>
    placeOrder(api, storeHeaders, {
      customerHeaders,
      email,
      items: [{ variant_id: cluster.fixture.commerce.expensiveVariantId, quantity: 1 }],
      regionId: cluster.fixture.commerce.regionId,
      shippingOptionId: cluster.fixture.commerce.shippingOptionId,
      ...extra,
    })

  it("awards each order placed through the server exactly once, by the workers", async () => {
    const members = await Promise.all(
      ["a", "b"].map((n) => memberWith(api, storeHeaders, adminHeaders, `award-${n}@example.com`, 50))
    )
    // a shopper's first payment session creates their payment account holder, which Medusa
    // does not do safely twice at once for the same shopper: the first order of each goes alone
    const placed = await Promise.all(members.map((m) => shop(m.headers, m.customer.email)))
    placed.push(...(await Promise.all(members.flatMap((m) => [1, 2].map(() => shop(m.headers, m.customer.email))))))
    const orderIds = placed.map((p) => p.order.id)

    for (const id of orderIds) {
      await eventually(async () => expect(await awardsOf(id)).toHaveLength(1), { timeout: 60_000, interval: 250 })
    }
    await eventsDrained()

    for (const id of orderIds) {
      const awards = await awardsOf(id)
      expect(awards).toHaveLength(1)
      expect(awards[0].pending_change).toBeGreaterThan(0)
    }
    for (const m of members) {
      const t = await expectInvariants(m.customer.id)
      const own = placed.filter((p) => p.order.customer_id === m.customer.id)
      expect(own).toHaveLength(3)
      let pending = 0
      for (const p of own) pending += (await awardsOf(p.order.id))[0].pending_change
      expect(t.pending).toBe(pending)
      expect(t.balance).toBe(50)
    }
  })

  it("never overdraws when one member applies points and completes on several carts at once", async () => {
    const member = await memberWith(api, storeHeaders, adminHeaders, "redeemer@example.com", 1000)
    // the shopper's payment account holder exists before the concurrent checkouts (see above)
    await shop(member.headers, "redeemer@example.com")
    // every cart asks for 400 of the 1,000 points and completes at the same moment as the others
    const outcomes = await Promise.all(
      [1, 2, 3, 4].map(() =>
        shop(member.headers, "redeemer@example.com", {
          beforeComplete: async (cart, headers) => {
            await post(api, `/store/carts/${cart.id}/loyalty/points`, { points: 400 }, headers)
          },
        }).then(
          ({ order }) => ({ order, refused: null }),
          (error: Error & { status?: number }) => ({ order: null, refused: error })
        )
      )
    )
    for (const { refused } of outcomes) {
      // a checkout the balance can no longer cover is refused with a clear 4xx, never a server error
      if (refused) expect({ status: refused.status, message: refused.message }).toMatchObject({ status: 400, message: expect.stringMatching(/points/i) })
    }
    const results = outcomes.filter((o) => o.order).map((o) => ({ order: o.order! }))
    expect(results.length).toBeGreaterThanOrEqual(1)
    await eventsDrained()

    const redeemed = (
      await db.query<{ points: string }>(
        `SELECT coalesce(-sum(balance_change), 0)::int AS points FROM loyalty_entry e
           JOIN loyalty_account a ON a.id = e.account_id
          WHERE a.customer_id = $1 AND e.type = 'redeem' AND e.voided_at IS NULL`,
        [member.customer.id]
      )
    ).rows[0].points
    // what the orders were paid with in points is what left the balance, and no more than it held
    let paidWithPoints = 0
    for (const { order } of results) {
      const { order: full } = await get(api, `/admin/orders/${order.id}?fields=id,*credit_lines`, adminHeaders)
      for (const line of full.credit_lines ?? []) {
        if (line.reference === "loyalty-points") paidWithPoints += Math.round(Number(line.amount) / 0.01)
      }
    }
    const t = await expectInvariants(member.customer.id)
    expect(Number(redeemed)).toBe(paidWithPoints)
    expect(paidWithPoints).toBeLessThanOrEqual(1000)
    expect(paidWithPoints).toBe(results.length * 400)
    expect(t.balance).toBe(1000 - paidWithPoints)
  })

  it("runs each scheduled job once per tick across the workers", async () => {
    await redis.del(JOB_RUNS_KEY)
    // three ticks of every job
    const runs = await eventually(
      async () => {
        const seen = await jobRuns()
        for (const name of JOB_NAMES) {
          expect(new Set(seen.filter((r) => r.name === name).map((r) => r.scheduledFor)).size).toBeGreaterThanOrEqual(3)
        }
        return seen
      },
      { timeout: 60_000, interval: 500 }
    )
    const workerPids = cluster.workers.map((w) => w.pid)
    for (const name of JOB_NAMES) {
      const ofJob = runs.filter((r) => r.name === name)
      const perTick = new Map<string, number>()
      for (const r of ofJob) perTick.set(r.scheduledFor, (perTick.get(r.scheduledFor) ?? 0) + 1)
      expect([...perTick.values()].every((n) => n === 1)).toBe(true)
      // one schedule shared by the workers, not one per worker: ticks come an interval apart
      // (two schedulers would interleave their ticks at a random offset, one gap of each pair shorter)
      const ticks = [...perTick.keys()].map((t) => Date.parse(t)).sort((a, b) => a - b)
      const gaps = ticks.slice(1).map((t, i) => t - ticks[i])
      expect(gaps.filter((gap) => gap < JOB_INTERVAL_MS / 2)).toEqual([])
      expect(ofJob.every((r) => workerPids.includes(r.pid) && r.error === null)).toBe(true)
    }
  })

  it("finishes an award exactly once after the worker handling it is killed (SIGKILL)", async () => {
    const member = await memberWith(api, storeHeaders, adminHeaders, "killed@example.com", 50)
    // the jobs' catch-up stays out of the way until the event has been retried
    await redis.set(JOBS_PAUSED_KEY, "1")
    const blocker = new Client({ connectionString: cluster.databaseUrl })
    await blocker.connect()
    let orderId: string
    let victim: Cluster["workers"][number] | undefined
    try {
      // ledger writes wait (reads do not) while the test holds this lock
      await blocker.query("BEGIN")
      await blocker.query("LOCK TABLE loyalty_entry IN SHARE MODE")
      orderId = (await shop(member.headers, "killed@example.com")).order.id

      const waiting = await eventually(
        async () => {
          const { rows } = await db.query<{ application_name: string }>(
            `SELECT application_name FROM pg_stat_activity
              WHERE datname = current_database() AND application_name LIKE 'scaleout-worker-%'
                AND wait_event_type = 'Lock'`
          )
          expect(rows).toHaveLength(1)
          return rows[0].application_name
        },
        { timeout: 30_000, interval: 200 }
      )
      victim = cluster.workers.find((w) => `scaleout-${w.name}` === waiting)
      expect(victim).toBeDefined()
      process.kill(victim!.pid, "SIGKILL")
      await victim!.exited
    } finally {
      await blocker.query("ROLLBACK").catch(() => undefined)
      await blocker.end()
    }
    expect(await awardsOf(orderId)).toHaveLength(0)

    // the surviving worker takes the stalled event over and awards the order once
    await eventually(async () => expect(await awardsOf(orderId)).toHaveLength(1), { timeout: 60_000, interval: 250 })
    await eventsDrained()

    // the release job's catch-up, run again by the surviving worker, changes nothing more
    await redis.del(JOB_RUNS_KEY)
    await redis.del(JOBS_PAUSED_KEY)
    await eventually(
      async () => {
        const catchUp = (await jobRuns()).filter((r) => r.name === "loyalty-release-pending-points" && !r.paused)
        expect(catchUp.length).toBeGreaterThanOrEqual(1)
      },
      { timeout: 30_000, interval: 250 }
    )
    expect(await awardsOf(orderId)).toHaveLength(1)
    const t = await expectInvariants(member.customer.id)
    expect(t.pending).toBe((await awardsOf(orderId))[0].pending_change)
    expect(t.balance).toBe(50)
  })
})
