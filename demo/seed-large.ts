/**
 * `npm run demo -- --size large`: after demo/seed.ts has seeded the year of
 * 200 members through the plugin's workflows, this adds 20,000 members and
 * 200,000 orders in bulk (× DEMO_SEED_SCALE), so a merchant can see the admin
 * and the insights at scale. Run by demo/run.js as
 * `medusa exec ./src/scripts/seed-large.ts` (this file is copied there).
 *
 * Orders: copies of the seed's real checkouts (lib/clone-orders.ts), one
 * plan row per order written with SQL, in four batches.
 *
 * Loyalty effects: 200,000 orders through the workflows would take hours, so
 * the ledger is written with set-based SQL, in exactly the shape the plugin's
 * own postings give it (the one path, `writeLedger` below):
 *   - every member gets an account and the sign-up bonus (`earn`, key
 *     `signup:customer:<id>`, a lot expiring `expiryMonths` later);
 *   - every order earns what the plugin's own `computeEarning` gives its
 *     basket (no tier multiplier), as `pending` (key `earn:order:<id>`,
 *     `release_at` = placed + `pendingDays`), released when that has passed
 *     (`release`, key `release:order:<id>`, a lot), counted toward tiers as
 *     the release subscriber counts it (`loyalty_tier_activity`, the plugin's
 *     `releaseActivity`);
 *   - every lot past its expiry is emptied by an `expire` entry (key
 *     `expire:lot:<id>`), as the expiry job does;
 *   - each account's balance, pending and lifetime figures are the sums of its
 *     entries, and its balance the sum of its lots' remaining points.
 * Those invariants are checked before the script ends (it fails otherwise).
 * Then the tier module's own evaluation upgrades everyone whose activity
 * reaches a tier, the daily tier job runs once, and the insights are computed
 * by `recomputeInsightsWorkflow`.
 *
 * Left out at scale (the 200 members of the year have them all): paying with
 * points, coupons, referrals, cancels and refunds, feedback, tier changes
 * before today; the bulk members cannot log in (no auth identity).
 */
import type { ExecArgs } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { updateStoresWorkflow } from "@medusajs/medusa/core-flows"
import { copyClonePlan, createClonePlan } from "./lib/clone-orders"
import { mulberry32 } from "./lib/random"

const SEED_MARKER = "loyalty_demo_seed"
const MEDUSA_PART_MARKER = "loyalty_demo_seed_medusa"
const LARGE_MARKER = "loyalty_demo_large"
const DAY = 24 * 60 * 60 * 1000

const SEED_SCALE = Math.min(1, Math.max(0.01, Number(process.env.DEMO_SEED_SCALE || 1)))
/** The large store's size (members and orders in all, the year's included), × DEMO_SEED_SCALE. */
const TARGET_MEMBERS = Math.round(20000 * SEED_SCALE)
const TARGET_ORDERS = Math.round(200000 * SEED_SCALE)
const BATCHES = 4

const progress = (message: string) => process.stdout.write(`[seed] ${message}\n`)

const random = mulberry32(20251124)
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1))

const FIRST_NAMES = ["Alma", "Bea", "Carl", "Dina", "Emil", "Fatima", "Gustav", "Hana", "Ivo", "Jana", "Kofi", "Lea", "Marek", "Nora", "Omar", "Pia", "Rafael", "Sofia", "Theo", "Ulla", "Vera", "Wim", "Yusuf", "Zina"]
const LAST_NAMES = ["Andersen", "Berg", "Conti", "Dvořák", "Eriksen", "Ferrari", "Gómez", "Hansen", "Ivanova", "Janssens", "Kowalski", "Laurent", "Meyer", "Nowak", "Olsen", "Pérez", "Quist", "Richter", "Silva", "Taylor", "Urban", "Vogel", "Weber", "Young"]

/** Shoppers' behaviour, so segments and churn risk have something to find. */
type Profile = "steady" | "lapsed" | "one_off" | "new" | "dormant"
const PROFILES: [Profile, number][] = [
  ["steady", 0.4],
  ["lapsed", 0.2],
  ["one_off", 0.25],
  ["new", 0.1],
  ["dormant", 0.05],
]

type PlannedCustomer = {
  n: number
  id: string
  email: string
  first_name: string
  last_name: string
  region: "eu" | "us"
  joined_at: string
  n_orders: number
  /** orders fall between these many days ago */
  from_days: number
  to_days: number
}

/** Members and how many orders each places, adding up to exactly `orders`. */
function planCustomers(count: number, orders: number): PlannedCustomer[] {
  const now = Date.now()
  const rows: (PlannedCustomer & { profile: Profile; weight: number })[] = []
  for (let n = 1; n <= count; n++) {
    let r = random()
    const profile = PROFILES.find(([, share]) => (r -= share) < 0)?.[0] ?? "steady"
    const joined = profile === "new" ? int(1, 60) : profile === "lapsed" ? int(200, 395) : int(30, 395)
    const first_name = FIRST_NAMES[int(0, FIRST_NAMES.length - 1)]
    const last_name = LAST_NAMES[int(0, LAST_NAMES.length - 1)]
    const span: [number, number] =
      profile === "lapsed" ? [Math.min(joined, 364), 190] : profile === "new" ? [joined, 0] : [Math.min(joined, 364), 1]
    rows.push({
      n,
      id: `cus_demol${String(n).padStart(6, "0")}`,
      email: `${first_name}.${last_name}.l${n}@example.net`
        .toLowerCase()
        .normalize("NFD")
        .replace(/[\u0300-\u036f]/g, "")
        .replace(/[^a-z0-9.@]/g, ""),
      first_name,
      last_name,
      region: random() < 0.75 ? "eu" : "us",
      joined_at: new Date(now - joined * DAY - int(1, 12) * 3600000).toISOString(),
      n_orders: profile === "dormant" ? 0 : profile === "one_off" ? 1 : profile === "new" ? int(1, 2) : profile === "lapsed" ? int(2, 5) : 0,
      from_days: span[0],
      to_days: span[1],
      profile,
      weight: 0.3 + random() * 1.4,
    })
  }
  // steady buyers place the rest, in proportion to their pace
  const steady = rows.filter((r) => r.profile === "steady")
  const rest = orders - rows.reduce((sum, r) => sum + r.n_orders, 0)
  const weights = steady.reduce((sum, r) => sum + r.weight, 0)
  if (rest < steady.length) throw new Error(`${orders} orders are too few for ${count} members`)
  let placed = 0
  for (const r of steady) {
    r.n_orders = Math.max(1, Math.floor((rest * r.weight) / weights))
    placed += r.n_orders
  }
  for (let i = 0; placed < rest; i = (i + 1) % steady.length, placed++) steady[i].n_orders++
  return rows.map(({ profile: _p, weight: _w, ...row }) => row)
}

export default async function seedLargeStore({ container }: ExecArgs) {
  const started = Date.now()
  const pg = container.resolve(ContainerRegistrationKeys.PG_CONNECTION) as any
  const storeModule = container.resolve(Modules.STORE)
  const points = container.resolve("loyalty_points") as any
  const tiers = container.resolve("loyalty_tiers") as any
  const { computeEarning } = await import("medusa-plugin-loyalty-points/lib/points/earning")
  const { releaseActivity, qualificationWindow, qualifyingTier } = await import("medusa-plugin-loyalty-points/lib/tiers/rules")
  const { evaluateTiersWorkflow, recomputeInsightsWorkflow } = await import("medusa-plugin-loyalty-points/workflows")

  const [store] = await storeModule.listStores({}, { take: 1 })
  const metadata = (store.metadata ?? {}) as Record<string, any>
  if (metadata[LARGE_MARKER]) {
    progress("the large store is seeded already; nothing to do")
    return
  }
  if (!metadata[SEED_MARKER] || !metadata[MEDUSA_PART_MARKER]) {
    throw new Error("the year of the demo (demo/seed.ts) has not been seeded in this database")
  }
  const one = async (sql: string, bindings: unknown[] = []) => (await pg.raw(sql, bindings)).rows[0]
  const existing = await one(
    `SELECT (SELECT count(*)::int FROM customer WHERE has_account AND deleted_at IS NULL) AS members,
            (SELECT count(*)::int FROM "order" WHERE deleted_at IS NULL) AS orders`
  )
  const addMembers = TARGET_MEMBERS - existing.members
  const addOrders = TARGET_ORDERS - existing.orders
  if (addMembers <= 0 || addOrders <= 0) throw new Error(`the store already has ${existing.members} members and ${existing.orders} orders`)
  const rules = await points.getProgramRules()

  // -- what each basket earns: the plugin's computeEarning on the template's
  //    own figures (from its earning entry), with no tier multiplier
  const templateIds = Object.values(metadata[MEDUSA_PART_MARKER].templates as Record<string, string>)
  const { rows: earnings } = await pg.raw(
    `SELECT o.id, o.currency_code, e.details FROM "order" o
       JOIN loyalty_entry e ON e.order_id = o.id AND e.type = 'pending' AND e.voided_at IS NULL
      WHERE o.id = ANY(?)`,
    [templateIds]
  )
  const baskets = earnings.map((row: any) => {
    const d = row.details
    const earning = computeEarning({
      items: [{ subtotal: d.items_net, discount_subtotal: 0, is_giftcard: false }],
      total: d.total_after_points,
      credit_lines: [],
      rate: d.rate,
      multiplier: 1,
    })
    return { template: row.id as string, region: row.currency_code === "usd" ? "us" : "eu", currency: row.currency_code as string, earning }
  })
  for (const region of ["eu", "us"]) {
    if (!baskets.some((b: any) => b.region === region)) throw new Error(`no template checkout of a member in region ${region}`)
  }

  progress(`large store: adding ${addMembers.toLocaleString("en-US")} members and ${addOrders.toLocaleString("en-US")} orders in bulk…`)
  const customers = planCustomers(addMembers, addOrders)
  const timings: string[] = []
  const timed = async (label: string, fn: () => Promise<void>) => {
    const t = Date.now()
    await fn()
    timings.push(`${label} ${((Date.now() - t) / 1000).toFixed(1)} s`)
  }

  // -- customers and the plan of their orders
  await timed("customers", async () => {
    await pg.raw(`DROP TABLE IF EXISTS demo_large_customer, demo_large_order, demo_large_basket`)
    await pg.raw(
      `CREATE UNLOGGED TABLE demo_large_customer AS
         SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(n int, id text, email text, first_name text, last_name text, region text,
                                                          joined_at timestamptz, n_orders int, from_days float8, to_days float8)`,
      [JSON.stringify(customers)]
    )
    await pg.raw(
      `CREATE UNLOGGED TABLE demo_large_basket AS
         SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(template text, region text, currency text, points int, details jsonb)`,
      [JSON.stringify(baskets.map((b: any) => ({ template: b.template, region: b.region, currency: b.currency, points: b.earning.points, details: b.earning })))]
    )
    await pg.raw(
      `INSERT INTO customer (id, email, first_name, last_name, has_account, created_at, updated_at)
         SELECT id, email, first_name, last_name, true, joined_at, joined_at FROM demo_large_customer`
    )
    // one statement on one connection after setseed: the same plan on every run
    await pg.raw(
      `SELECT setseed(0.5);
       CREATE UNLOGGED TABLE demo_large_order AS
         SELECT (row_number() OVER (ORDER BY c.n, k))::int AS n, c.id AS customer_id, c.email, c.first_name, c.last_name, c.region,
                least(now() - interval '10 minutes',
                      greatest(c.joined_at + interval '1 hour',
                               date_trunc('day', now() - (c.to_days + random() * (c.from_days - c.to_days)) * interval '1 day')
                                 + (7 + random() * 14) * interval '1 hour')) AS at,
                random() AS pick
           FROM demo_large_customer c CROSS JOIN LATERAL generate_series(1, c.n_orders) AS k;
       ALTER TABLE demo_large_order ADD COLUMN template text, ADD COLUMN id text;
       UPDATE demo_large_order o SET id = 'order_demol' || lpad(o.n::text, 7, '0'),
              template = (SELECT b.template FROM demo_large_basket b WHERE b.region = o.region ORDER BY b.template
                           OFFSET floor(o.pick * (SELECT count(*) FROM demo_large_basket x WHERE x.region = o.region)) LIMIT 1);
       CREATE INDEX ON demo_large_order (n)`
    )
  })
  progress(`large store: ${addMembers.toLocaleString("en-US")} members added`)

  // -- the orders: copies of the template checkouts, in batches
  await createClonePlan(pg)
  const size = Math.ceil(addOrders / BATCHES)
  const ordersStarted = Date.now()
  for (let b = 0; b < BATCHES; b++) {
    await timed(`orders ${b + 1}/${BATCHES}`, async () => {
      await pg.raw(`DELETE FROM demo_clone`)
      await pg.raw(
        `INSERT INTO demo_clone (n, template, id, customer_id, email, at, first_name, last_name)
           SELECT 1000000 + n, template, id, customer_id, email, at, first_name, last_name
             FROM demo_large_order WHERE n > ? AND n <= ?`,
        [b * size, (b + 1) * size]
      )
      await copyClonePlan(pg)
    })
    const done = Math.min(addOrders, (b + 1) * size)
    const left = ((Date.now() - ordersStarted) / done) * (addOrders - done)
    progress(`large store: orders ${done.toLocaleString("en-US")}/${addOrders.toLocaleString("en-US")} (~${Math.round(left / 1000)} s left)`)
  }
  await pg.raw(`DELETE FROM demo_clone; ANALYZE "order"; ANALYZE order_summary; ANALYZE customer`)

  // -- the ledger, as the plugin's postings write it (see the header)
  await timed("ledger", () => writeLedger(pg, rules, releaseActivity))
  progress(`large store: ledger written (sign-up bonuses, pending, releases, lots, expiries, tier activity)`)

  // -- tiers: the tier module's own evaluation for everyone it upgrades
  const now = new Date()
  let upgraded = 0
  await timed("tiers", async () => {
    const ranked = await tiers.listTiersByRank()
    const window = qualificationWindow(await tiers.getSettings(), now)
    const due: string[] = []
    for (let after: string | null = null; ; ) {
      const page = await tiers.metricsPage(window.start, now, after, 1000)
      if (!page.length) break
      for (const { customer_id, metrics } of page) {
        if (customer_id.startsWith("cus_demol") && qualifyingTier(ranked, metrics)) due.push(customer_id)
      }
      after = page[page.length - 1].customer_id
    }
    let next = 0
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < due.length) {
          const customerId = due[next++]
          const write = await tiers.evaluateCustomer(customerId, now)
          if (write?.changes?.length) upgraded++
          if (next % 2000 === 0) progress(`large store: tiers ${next.toLocaleString("en-US")}/${due.length.toLocaleString("en-US")}`)
        }
      })
    )
    // the daily job: counts anything left, repairs tier groups
    await evaluateTiersWorkflow(container).run({ input: { now } })
  })
  progress(`large store: ${upgraded.toLocaleString("en-US")} members reached a tier`)

  await timed("insights", async () => {
    progress("large store: computing the insights…")
    await recomputeInsightsWorkflow(container).run({ input: { now } })
  })

  // -- the invariants, for every account (the large store's and the year's)
  const broken = await one(
    `SELECT count(*)::int AS n FROM loyalty_account a
       LEFT JOIN (SELECT account_id, sum(balance_change) AS b, sum(pending_change) AS p, sum(debt_change) AS d FROM loyalty_entry GROUP BY account_id) e
              ON e.account_id = a.id
       LEFT JOIN (SELECT account_id, sum(remaining) AS r FROM loyalty_lot WHERE deleted_at IS NULL GROUP BY account_id) l
              ON l.account_id = a.id
      WHERE a.deleted_at IS NULL
        AND (a.balance <> coalesce(e.b, 0) OR a.pending <> coalesce(e.p, 0) OR a.debt <> coalesce(e.d, 0) OR a.balance <> coalesce(l.r, 0))`
  )
  if (broken.n) throw new Error(`${broken.n} accounts break the ledger invariants after the bulk load`)
  const counts = await one(
    `SELECT (SELECT count(*)::int FROM customer WHERE has_account AND deleted_at IS NULL) AS members,
            (SELECT count(*)::int FROM "order" WHERE deleted_at IS NULL) AS orders,
            (SELECT count(*)::int FROM loyalty_entry) AS entries,
            (SELECT count(*)::int FROM loyalty_tier_membership WHERE tier_id IS NOT NULL) AS in_tiers`
  )
  await pg.raw(`DROP TABLE IF EXISTS demo_large_customer, demo_large_order, demo_large_basket, demo_clone`)
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        metadata: {
          ...metadata,
          [LARGE_MARKER]: { version: 1, seeded_at: new Date().toISOString(), scale: SEED_SCALE, target: { members: TARGET_MEMBERS, orders: TARGET_ORDERS }, counts },
        },
      },
    },
  })
  progress(
    `large store done in ${Math.round((Date.now() - started) / 1000)} s: ${counts.members.toLocaleString("en-US")} members, ` +
      `${counts.orders.toLocaleString("en-US")} orders, ${counts.entries.toLocaleString("en-US")} ledger entries, ` +
      `${counts.in_tiers.toLocaleString("en-US")} members in a tier`
  )
  progress(`large store time: ${timings.join(", ")}`)
}

/**
 * The large store's ledger in set-based SQL, entry for entry what the
 * plugin's postings write (types, keys, reasons, details, lots, cached
 * figures), dated when each would have happened: the sign-up bonus when the
 * member joined, pending points when the order was placed, their release when
 * its return window ended, expiries when a lot's date passed. One statement
 * list, one transaction.
 */
async function writeLedger(
  pg: any,
  rules: { version: number; pending_days: number; expiry_months: number; signup_bonus: number },
  releaseActivity: (input: { released_points: number; earned_points: number; eligible_amount: number; multiplier: number }) => { points: number; amount: number; orders: number }
): Promise<void> {
  const months = `interval '${Number(rules.expiry_months)} months'`
  const expiry = (column: string) => (Number(rules.expiry_months) > 0 ? `${column} + ${months}` : "NULL::timestamptz")
  // what a release adds to the tier metrics: the plugin's rule, per basket (no multiplier, nothing reversed)
  const { rows: baskets } = await pg.raw(`SELECT template, points, details FROM demo_large_basket`)
  const activity = baskets.map((b: any) => ({
    template: b.template,
    ...releaseActivity({ released_points: b.points, earned_points: b.points, eligible_amount: Number(b.details.eligible_amount), multiplier: 1 }),
  }))
  await pg.transaction(async (trx: any) => {
    await trx.raw(`SET LOCAL TimeZone = 'UTC'`)
    await trx.raw(
      `CREATE TEMP TABLE demo_activity ON COMMIT DROP AS
         SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(template text, points int, amount numeric, orders int)`,
      [JSON.stringify(activity)]
    )
    // one round trip: the statements below take no parameters
    await trx.raw(
      `INSERT INTO loyalty_account (id, customer_id, created_at, updated_at)
         SELECT 'lacc_demol' || c.n, c.id, c.joined_at, c.joined_at FROM demo_large_customer c;

       -- the sign-up bonus (awardSignupBonusWorkflow → creditPoints)
       INSERT INTO loyalty_entry (id, account_id, type, points, balance_change, reason, reference_type, reference_id,
                                  idempotency_key, program_version, created_at, updated_at)
         SELECT 'lent_demols' || c.n, 'lacc_demol' || c.n, 'earn', ${Number(rules.signup_bonus)}, ${Number(rules.signup_bonus)},
                'Welcome bonus for creating an account', 'customer', c.id, 'signup:customer:' || c.id, ${Number(rules.version)},
                c.joined_at, c.joined_at
           FROM demo_large_customer c WHERE ${Number(rules.signup_bonus)} > 0;
       INSERT INTO loyalty_lot (id, entry_id, account_id, points, remaining, expires_at, created_at, updated_at)
         SELECT 'llot_demols' || c.n, 'lent_demols' || c.n, 'lacc_demol' || c.n, ${Number(rules.signup_bonus)}, ${Number(rules.signup_bonus)},
                ${expiry("c.joined_at")}, c.joined_at, c.joined_at
           FROM demo_large_customer c WHERE ${Number(rules.signup_bonus)} > 0;

       -- each order's points, pending for the return window (awardOrderPointsWorkflow → recordOrderEarning)
       INSERT INTO loyalty_entry (id, account_id, type, points, pending_change, reason, reference_type, reference_id, order_id,
                                  idempotency_key, program_version, currency_code, release_at, details, created_at, updated_at)
         SELECT 'lent_demolp' || o.n, 'lacc_demol' || c.n, 'pending', b.points, b.points,
                'Order #' || ord.display_id || ': ' || (b.details ->> 'eligible_amount') || ' ' || upper(b.currency) || ' × ' || (b.details ->> 'rate'),
                'order', o.id, o.id, 'earn:order:' || o.id, ${Number(rules.version)}, b.currency,
                o.at + interval '${Number(rules.pending_days)} days',
                b.details || jsonb_build_object('order_display_id', ord.display_id), o.at, o.at
           FROM demo_large_order o
           JOIN demo_large_customer c ON c.id = o.customer_id
           JOIN demo_large_basket b ON b.template = o.template
           JOIN "order" ord ON ord.id = o.id
          WHERE b.points > 0;

       -- released when the return window has ended (releaseOrderPoints), each with its lot
       INSERT INTO loyalty_entry (id, account_id, type, points, balance_change, pending_change, reason, reference_type, reference_id,
                                  order_id, idempotency_key, program_version, currency_code, details, created_at, updated_at)
         SELECT 'lent_demolr' || substr(e.id, 12), e.account_id, 'release', e.points, e.points, -e.points, 'Return window ended',
                'order', e.order_id, e.order_id, 'release:order:' || e.order_id, e.program_version, e.currency_code,
                jsonb_build_object('earned', e.points, 'reversed_before_release', 0), e.release_at, e.release_at
           FROM loyalty_entry e
          WHERE e.id LIKE 'lent_demolp%' AND e.release_at <= now();
       INSERT INTO loyalty_lot (id, entry_id, account_id, points, remaining, expires_at, created_at, updated_at)
         SELECT 'llot_demolr' || substr(e.id, 12), e.id, e.account_id, e.points, e.points, ${expiry("e.created_at")}, e.created_at, e.created_at
           FROM loyalty_entry e WHERE e.id LIKE 'lent_demolr%';

       -- counted toward tiers as the release subscriber counts it (recordTierActivity)
       INSERT INTO loyalty_tier_activity (id, customer_id, order_id, currency_code, points, amount, raw_amount, orders, occurred_at,
                                          source_id, idempotency_key, created_at, updated_at)
         SELECT 'ltact_demol' || substr(e.id, 12), o.customer_id, e.order_id, e.currency_code, a.points, a.amount,
                jsonb_build_object('value', a.amount::text, 'precision', 20), a.orders, e.created_at, e.id, 'release:' || e.id,
                e.created_at, e.created_at
           FROM loyalty_entry e
           JOIN demo_large_order o ON o.id = e.order_id
           JOIN demo_activity a ON a.template = o.template
          WHERE e.id LIKE 'lent_demolr%';

       -- lots past their date, emptied by the expiry job (expireLot): one entry per lot
       INSERT INTO loyalty_entry (id, account_id, type, points, balance_change, reason, reference_type, reference_id,
                                  idempotency_key, details, created_at, updated_at)
         SELECT 'lent_demole' || substr(l.id, 11), l.account_id, 'expire', -l.remaining, -l.remaining, 'Points expired', 'lot', l.id,
                'expire:lot:' || l.id,
                jsonb_build_object('lot_points', l.points, 'expired_at', to_char(l.expires_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                   'lots', jsonb_build_array(jsonb_build_object('lot_id', l.id, 'points', l.remaining,
                                                                                'expires_at', to_char(l.expires_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))),
                l.expires_at, l.expires_at
           FROM loyalty_lot l
          WHERE l.id LIKE 'llot_demol%' AND l.expires_at <= now() AND l.remaining > 0;
       UPDATE loyalty_lot SET remaining = 0, updated_at = expires_at
        WHERE id LIKE 'llot_demol%' AND expires_at <= now() AND remaining > 0;

       -- the cached figures: the sums of the entries
       UPDATE loyalty_account a
          SET balance = s.balance, pending = s.pending, lifetime_earned = s.earned, updated_at = s.last
         FROM (SELECT account_id, sum(balance_change)::int AS balance, sum(pending_change)::int AS pending,
                      sum(CASE WHEN type IN ('earn', 'release') THEN points ELSE 0 END)::int AS earned, max(created_at) AS last
                 FROM loyalty_entry WHERE account_id LIKE 'lacc_demol%' GROUP BY account_id) s
        WHERE a.id = s.account_id`
    )
  })
  await pg.raw(`ANALYZE loyalty_entry; ANALYZE loyalty_lot; ANALYZE loyalty_account; ANALYZE loyalty_tier_activity`)
}
