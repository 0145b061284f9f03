#!/usr/bin/env node
/**
 * `npm run test:demo`: starts `npm run demo` (reusing demo/.store when it is
 * already built), then checks the running store end to end:
 *
 *   1. GET /health answers 200
 *   2. the admin login printed by the demo works: POST /auth/user/emailpass → token
 *   3. the printed shopper logs in (POST /auth/customer/emailpass) and
 *      GET /store/loyalty/account (with the printed publishable key) shows
 *      points from the seeded history (balance > 0 or pending > 0)
 *   4. the admin in headless Chromium (playwright-core + /usr/bin/chromium):
 *      log in with the form, open the shopper's customer page, wait for the
 *      loyalty widget's [data-testid="loyalty-balance"] and check it shows the
 *      balance; screenshots go to artifacts/demo/
 *
 * Then it stops the demo (SIGINT to its process group, as Ctrl-C would) and
 * checks that Medusa and the embedded Postgres are gone. Exit code 1 on any
 * failure. Plain Node; the demo's output is in artifacts/demo/demo-output.log.
 */
"use strict"

const { spawn, execFileSync } = require("child_process")
const fs = require("fs")
const os = require("os")
const path = require("path")
const { CHROMIUM, launchChromium, newAdminPage, logInAdmin } = require("./lib/browser")

const ROOT = path.resolve(__dirname, "..")
const ARTIFACTS = path.join(ROOT, "artifacts", "demo")
const STORE = path.join(__dirname, ".store")
const PORT = Number(process.env.PORT || 9000)
const BASE = `http://localhost:${PORT}`
// The admin's session after this run's form login, for the browser scripts it runs (lib/browser.js).
process.env.DEMO_ADMIN_SESSION = path.join(os.tmpdir(), `loyalty-demo-admin-session-${process.pid}.json`)
/** `npm run test:demo -- --size large`: the large store (demo/seed-large.ts), checked for consistency at scale */
const LARGE = process.argv.slice(2).join(" ").replace("=", " ") === "--size large"
if (process.argv.length > 2 && !LARGE) {
  process.stderr.write("usage: npm run test:demo [-- --size large]\n")
  process.exit(2)
}
/** cold start = install + build + seed; a warm one takes seconds */
const READY_TIMEOUT_MS = Number(process.env.DEMO_READY_TIMEOUT_MS || 30 * 60 * 1000)

const { createHarness, assert, request } = require("./lib/harness")
const { started, log, results, check } = createHarness("test:demo")

// ---------------------------------------------------------------------------
// The demo process

let demo = null
let demoExited = null
let output = ""

function startDemo() {
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  const logStream = fs.createWriteStream(path.join(ARTIFACTS, "demo-output.log"), { flags: "w" })
  demo = spawn(process.execPath, [path.join(__dirname, "run.js"), ...(LARGE ? ["--size", "large"] : [])], {
    cwd: ROOT,
    env: { ...process.env, MEDUSA_DISABLE_TELEMETRY: "true", PORT: String(PORT) },
    detached: true, // its own process group, so the whole tree can be signalled
    stdio: ["ignore", "pipe", "pipe"],
  })
  const take = (chunk) => {
    const text = chunk.toString("utf8")
    output += text
    logStream.write(text)
    for (const line of text.split("\n")) {
      if (/^\[\d\/\d\]|skipped|done \(|ready|✗|^\s+\S+:.*\/\d+/.test(line)) {
        process.stdout.write(`  demo | ${line}\n`)
      }
    }
  }
  demo.stdout.on("data", take)
  demo.stderr.on("data", take)
  demo.on("exit", (code, signal) => {
    demoExited = { code, signal }
    logStream.end()
  })
}

async function waitForReady() {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (!/Loyalty demo is ready/.test(output) || !/Press Ctrl-C/.test(output)) {
    if (demoExited) {
      throw new Error(
        `the demo exited before it was ready (${demoExited.signal || `code ${demoExited.code}`}); last output:\n` +
          output.trimEnd().split("\n").slice(-25).join("\n")
      )
    }
    if (Date.now() > deadline) throw new Error(`the demo was not ready within ${READY_TIMEOUT_MS / 1000} s`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  const field = (label) => {
    const match = output.match(new RegExp(`^\\s*${label}:\\s+(.+)$`, "m"))
    if (!match) throw new Error(`the demo did not print "${label}:"`)
    return match[1].trim()
  }
  const [adminEmail, adminPassword] = field("Admin login").split(" / ")
  const [shopperEmail, shopperRest] = field("Shopper login").split(" / ")
  const shopperPassword = shopperRest.split(/\s+/)[0]
  const publishableKey = field("Publishable key")
  const shopperId = field("Shopper customer").split(/\s+/)[0]
  return { adminEmail, adminPassword, shopperEmail, shopperPassword, publishableKey, shopperId }
}

/** pids of processes whose command line mentions `needle` */
function processesMatching(needle) {
  const found = []
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ")
      if (cmdline.includes(needle)) found.push(`${entry} ${cmdline.trim()}`)
    } catch {
      // exited meanwhile
    }
  }
  return found
}

async function stopDemo() {
  if (!demo || demoExited) return
  log("stopping the demo (SIGINT to its process group, like Ctrl-C)")
  try {
    process.kill(-demo.pid, "SIGINT")
  } catch {
    // already gone
  }
  const deadline = Date.now() + 60000
  while (!demoExited && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  if (!demoExited) {
    log("the demo did not stop within 60 s; killing its process group")
    try {
      process.kill(-demo.pid, "SIGKILL")
    } catch {
      // gone
    }
    throw new Error("the demo did not stop on SIGINT within 60 s")
  }
}

// ---------------------------------------------------------------------------
// Browser

function ensureChromium() {
  if (fs.existsSync(CHROMIUM)) return
  log(`${CHROMIUM} is missing; installing Debian's chromium (apt-get install -y chromium)`)
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0
  const sudo = asRoot ? [] : ["sudo", "-n"]
  const run = (args) =>
    execFileSync(sudo.length ? sudo[0] : args[0], sudo.length ? [...sudo.slice(1), ...args] : args.slice(1), {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    })
  run(["apt-get", "update"])
  run(["apt-get", "install", "-y", "chromium"])
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is still missing after apt-get install chromium`)
}

async function adminInBrowser({ adminEmail, adminPassword, shopperId, expectedBalance }) {
  ensureChromium()
  const browser = await launchChromium()
  try {
    const { page, pageErrors: consoleErrors } = await newAdminPage(browser)
    // The dashboard's form: this check is the one that logs in with it; the scripts after it reuse its session.
    await logInAdmin(page, {
      base: BASE,
      admin: { email: adminEmail, password: adminPassword },
      onForm: (p) => p.screenshot({ path: path.join(ARTIFACTS, "01-login.png") }),
    })
    await page.waitForLoadState("networkidle", { timeout: 20000 }).catch(() => undefined)
    await page.screenshot({ path: path.join(ARTIFACTS, "02-after-login.png") })

    await page.goto(`${BASE}/app/customers/${shopperId}`)
    const balance = page.locator('[data-testid="loyalty-balance"]')
    await balance.waitFor({ state: "visible", timeout: 60000 })
    // the widget renders its numbers once the account has loaded
    const expected = new Intl.NumberFormat("en-US").format(expectedBalance)
    const digits = String(expectedBalance)
    let text = ""
    const deadline = Date.now() + 30000
    while (Date.now() < deadline) {
      text = (await balance.innerText()).trim()
      if (text.replace(/[^\d]/g, "") === digits) break
      await page.waitForTimeout(250)
    }
    await balance.scrollIntoViewIfNeeded()
    await page.screenshot({ path: path.join(ARTIFACTS, "03-customer-loyalty.png") })
    const widget = page.locator('[data-testid="loyalty-balance"]').locator("xpath=ancestor::div[contains(@class,'shadow')][1]")
    if (await widget.count()) {
      await widget.first().screenshot({ path: path.join(ARTIFACTS, "04-loyalty-widget.png") }).catch(() => undefined)
    }
    assert(
      text.replace(/[^\d]/g, "") === digits,
      `the widget shows "${text}", expected the balance ${expected} from GET /store/loyalty/account`
    )

    const pending = page.locator('[data-testid="loyalty-pending"]')
    const pendingText = (await pending.count()) ? (await pending.first().innerText()).trim() : "(none)"

    await page.goto(`${BASE}/app/settings/loyalty`)
    await page.waitForLoadState("networkidle").catch(() => undefined)
    await page.screenshot({ path: path.join(ARTIFACTS, "05-settings-loyalty.png") })

    return `widget shows balance "${text}", pending "${pendingText}"${consoleErrors.length ? `; page errors: ${consoleErrors.join(" | ")}` : ""}`
  } finally {
    await browser.close()
  }
}

// ---------------------------------------------------------------------------

async function main() {
  log(`starting the demo (node demo/run.js); output in ${path.relative(ROOT, ARTIFACTS)}/demo-output.log`)
  startDemo()
  const printed = await waitForReady()
  log(`demo ready: admin ${printed.adminEmail}, shopper ${printed.shopperEmail} (${printed.shopperId})`)

  await check("GET /health answers 200", async () => {
    const res = await request("GET", `${BASE}/health`)
    assert(res.status === 200, `status ${res.status}: ${res.text.slice(0, 200)}`)
    return res.text.trim()
  })

  await check("admin logs in with the printed credentials (POST /auth/user/emailpass)", async () => {
    const res = await request("POST", `${BASE}/auth/user/emailpass`, {
      body: { email: printed.adminEmail, password: printed.adminPassword },
    })
    assert(res.status === 200, `status ${res.status}: ${res.text.slice(0, 200)}`)
    assert(res.json && typeof res.json.token === "string" && res.json.token.length > 20, "no token in the answer")
    const me = await request("GET", `${BASE}/admin/users/me`, {
      headers: { authorization: `Bearer ${res.json.token}` },
    })
    assert(me.status === 200, `GET /admin/users/me with the token: status ${me.status}`)
    const account = await request("GET", `${BASE}/admin/loyalty/accounts/${printed.shopperId}`, {
      headers: { authorization: `Bearer ${res.json.token}` },
    })
    assert(account.status === 200, `GET /admin/loyalty/accounts/:id: status ${account.status} ${account.text.slice(0, 200)}`)
    return `token received; admin sees the shopper's loyalty account`
  })

  let account
  await check("shopper logs in and GET /store/loyalty/account shows seeded points", async () => {
    const login = await request("POST", `${BASE}/auth/customer/emailpass`, {
      body: { email: printed.shopperEmail, password: printed.shopperPassword },
    })
    assert(login.status === 200 && login.json && login.json.token, `login: status ${login.status} ${login.text.slice(0, 200)}`)
    const res = await request("GET", `${BASE}/store/loyalty/account`, {
      headers: { authorization: `Bearer ${login.json.token}`, "x-publishable-api-key": printed.publishableKey },
    })
    assert(res.status === 200, `status ${res.status}: ${res.text.slice(0, 300)}`)
    account = res.json && res.json.account
    assert(account, `no account in ${res.text.slice(0, 300)}`)
    assert(account.balance > 0 || account.pending > 0, `no points: ${JSON.stringify(account)}`)
    const entries = await request("GET", `${BASE}/store/loyalty/account/entries`, {
      headers: { authorization: `Bearer ${login.json.token}`, "x-publishable-api-key": printed.publishableKey },
    })
    assert(entries.status === 200, `GET /store/loyalty/account/entries: status ${entries.status}`)
    return `balance ${account.balance}, pending ${account.pending}, lifetime earned ${account.lifetime_earned}`
  })

  await check("admin in Chromium: log in, open the shopper, loyalty widget shows the balance", () =>
    adminInBrowser({ ...printed, expectedBalance: account.balance })
  )

  if (LARGE) {
    await check("the large store is complete and consistent: members, orders, ledger invariants, releases, expiries, tiers, insights, KPIs", () =>
      checkLargeStore()
    )
    await check("admin in Chromium: the Loyalty page shows KPI cards, charts with data and segments (large store)", () =>
      runScript("test-admin-insights.js")
    )
    return
  }

  await check("the seeded year is complete: members, orders, cancels, refunds, points paid, coupons, tiers, referrals, expiries, insights", () =>
    checkHistory()
  )

  const browserSuites = [
    ["shopper in Chromium on the demo storefront: applies points, completes the order, balance drops", "test-storefront.js"],
    ["admin in Chromium: creates a tier in Settings → Loyalty → Tiers, sees it listed and on the shopper's page, with the birthday the shopper set in the storefront", "test-admin-tiers.js"],
    ["admin in Chromium: creates and edits a reward in Settings → Loyalty → Rewards, in drawers that are routes of their own", "test-admin-rewards.js"],
    ["admin in Chromium: edits the referral program and approves a flagged referral", "test-admin-referrals.js"],
    ["admin in Chromium: the Loyalty page shows KPI cards, charts with data and segments", "test-admin-insights.js"],
    ["admin in Chromium: creates a recurring member-day campaign, the storefront's cart preview lists it", "test-admin-campaigns.js"],
    ["admin in Chromium: the liability page shows the ledger's figures per currency; its CSV and an export download", "test-admin-liability.js"],
    ["admin in Chromium: uploads a member file in Settings → Loyalty → Import, reads the dry-run report, imports, the balance grows", "test-admin-import.js"],
    ["admin in Chromium: previews a doubled earn rate in Settings → Loyalty, a doubled tier multiplier and a new ×3 campaign in their forms, on the store's history; resets or cancels (nothing saved)", "test-admin-what-if.js"],
  ]
  for (const [name, script] of browserSuites) {
    await check(name, () => runScript(script))
  }
}

/** Runs `fn(one)` on the demo's database (demo/.store/demo-info.json); `one(sql, params)` gives the first row. */
async function withDemoDatabase(fn) {
  const info = JSON.parse(fs.readFileSync(path.join(STORE, "demo-info.json"), "utf8"))
  const { Client } = require("pg")
  const client = new Client({ connectionString: info.databaseUrl })
  await client.connect()
  try {
    return await fn(async (sql, params) => (await client.query(sql, params)).rows[0])
  } finally {
    await client.end()
  }
}

/**
 * What a merchant opening the demo should find: a year of a program, not a
 * day. Read straight from the demo's database (demo/.store/demo-info.json).
 * Counts scale with the seed's DEMO_SEED_SCALE (kept in the store's metadata).
 */
function checkHistory() {
  return withDemoDatabase(async (one) => {
    const seed = (await one("SELECT metadata -> 'loyalty_demo_seed' AS seed FROM store WHERE deleted_at IS NULL ORDER BY created_at LIMIT 1")).seed
    assert(seed && seed.version >= 2, `the store was seeded by an older seed (${JSON.stringify(seed)}); npm run demo -- --reset`)
    const scale = Number(seed.scale || 1)
    // the seed's segments: 1 shopper, 10, 50, 35, 60, 24, 20 (each at least 1)
    const members = [1, 10, 50, 35, 60, 24, 20].reduce((sum, n) => sum + Math.max(1, Math.round(n * scale)), 0)
    // Members the seed made: the browser tests register shoppers of their own after it, so a
    // second run on the same store still finds the seed's members.
    const seededAt = seed.seeded_at ? `'${new Date(seed.seeded_at).toISOString()}'::timestamptz` : "now()"
    const c = await one(`SELECT
        (SELECT count(*)::int FROM customer WHERE has_account AND deleted_at IS NULL AND created_at <= ${seededAt}) AS members,
        (SELECT count(*)::int FROM "order" WHERE deleted_at IS NULL) AS orders,
        (SELECT count(DISTINCT date_trunc('month', created_at))::int FROM "order" WHERE deleted_at IS NULL AND created_at > now() - interval '12 months') AS order_months,
        (SELECT count(*)::int FROM "order" WHERE status = 'canceled' AND deleted_at IS NULL) AS canceled,
        (SELECT count(DISTINCT order_id)::int FROM order_transaction WHERE reference = 'refund' AND deleted_at IS NULL) AS refunded,
        (SELECT count(DISTINCT order_id)::int FROM loyalty_entry WHERE type = 'redeem' AND order_id IS NOT NULL) AS points_paid,
        (SELECT count(*)::int FROM loyalty_coupon WHERE deleted_at IS NULL) AS coupons,
        (SELECT count(*)::int FROM loyalty_coupon lc JOIN promotion p ON p.id = lc.promotion_id WHERE p.used > 0) AS coupons_used,
        (SELECT count(*)::int FROM loyalty_tier_membership WHERE tier_id IS NOT NULL AND deleted_at IS NULL) AS in_tiers,
        (SELECT count(*)::int FROM loyalty_tier_history) AS tier_changes,
        (SELECT count(*)::int FROM loyalty_referral WHERE status = 'rewarded' AND deleted_at IS NULL) AS referrals_rewarded,
        (SELECT count(*)::int FROM loyalty_feedback WHERE deleted_at IS NULL) AS feedback,
        (SELECT count(*)::int FROM loyalty_entry WHERE type = 'expire') AS expiries,
        (SELECT count(DISTINCT date_trunc('month', created_at))::int FROM loyalty_entry WHERE created_at > now() - interval '12 months') AS ledger_months,
        (SELECT count(DISTINCT date_trunc('month', created_at))::int FROM loyalty_entry WHERE type = 'redeem') AS redeem_months,
        (SELECT count(DISTINCT rfm_segment)::int FROM loyalty_customer_insight i WHERE i.deleted_at IS NULL
            AND i.run_id = (SELECT id FROM loyalty_insight_run WHERE deleted_at IS NULL ORDER BY created_at DESC LIMIT 1)) AS segments,
        (SELECT count(DISTINCT month)::int FROM loyalty_kpi_snapshot WHERE deleted_at IS NULL) AS kpi_months,
        (SELECT count(*)::int FROM loyalty_account a WHERE a.balance <> (SELECT coalesce(sum(balance_change), 0) FROM loyalty_entry e WHERE e.account_id = a.id)
            OR a.balance <> (SELECT coalesce(sum(remaining), 0) FROM loyalty_lot l WHERE l.account_id = a.id AND l.deleted_at IS NULL)) AS broken_accounts`)
    const rates = await one("SELECT settings -> 'currency_rates' AS currency_rates FROM loyalty_insight_settings WHERE deleted_at IS NULL ORDER BY created_at DESC LIMIT 1")
    const problems = []
    const want = (ok, message) => ok || problems.push(message)
    want(c.members === members, `${c.members} members, expected ${members}`)
    want(c.orders >= 2 * members, `${c.orders} orders, expected at least ${2 * members}`)
    want(c.order_months >= 12, `orders in ${c.order_months} of the last 12 months`)
    want(c.canceled >= 1, "no canceled order")
    want(c.refunded >= 1, "no refunded order")
    want(c.points_paid >= 1, "no order paid with points")
    want(c.coupons >= 1 && c.coupons_used >= 1, `${c.coupons} coupons bought, ${c.coupons_used} used`)
    want(c.in_tiers >= 1 && c.tier_changes >= 1, `${c.in_tiers} members in a tier, ${c.tier_changes} tier changes`)
    want(c.referrals_rewarded >= 1, "no rewarded referral")
    want(c.feedback >= 1, "no feedback")
    want(c.expiries >= 1, "no points expired")
    want(c.ledger_months >= 12, `ledger entries in ${c.ledger_months} months of the last 12 (they should be dated across the year)`)
    want(c.redeem_months >= 3, `points redeemed in ${c.redeem_months} months`)
    want(c.segments >= 3, `${c.segments} insight segments`)
    want(c.kpi_months >= 12, `${c.kpi_months} months of KPIs`)
    want(c.broken_accounts === 0, `${c.broken_accounts} accounts whose balance is not their ledger sum or their lots`)
    want(rates && rates.currency_rates && Number(rates.currency_rates.usd) > 0, "no USD currency rate")
    assert(!problems.length, problems.join("; "))
    return Object.entries(c).map(([k, v]) => `${k} ${v}`).join(", ")
  })
}

/**
 * The large store (`--size large`): its size, and figures that must agree
 * with each other at scale. Everything is read from the demo's database.
 */
function checkLargeStore() {
  return withDemoDatabase(async (one) => {
    const { large, year } = await one(
      "SELECT metadata -> 'loyalty_demo_large' AS large, metadata -> 'loyalty_demo_seed_medusa' AS year FROM store WHERE deleted_at IS NULL ORDER BY created_at LIMIT 1"
    )
    assert(large && large.target, `the store is not a large one (${JSON.stringify(large)}); npm run demo -- --size large`)
    // the "now" the year's last jobs ran at: everything due before it has been released or expired
    const seededAt = new Date(year.now)
    const c = await one(
      `WITH seeded AS (SELECT $1::timestamptz - interval '2 minutes' AS at),
            order_points AS (SELECT order_id, sum(pending_change) AS pending, min(release_at) AS release_at
                               FROM loyalty_entry WHERE order_id IS NOT NULL GROUP BY order_id),
            window_points AS (SELECT customer_id, sum(points) AS points FROM loyalty_tier_activity, seeded
                               WHERE occurred_at > seeded.at - interval '12 months' GROUP BY customer_id),
            -- the run the Loyalty page shows: the latest that finished (a recompute cut off by a
            -- stop stays "running")
            latest AS (SELECT id FROM loyalty_insight_run WHERE deleted_at IS NULL AND status = 'succeeded' ORDER BY created_at DESC LIMIT 1)
       SELECT
        (SELECT count(*)::int FROM customer WHERE has_account AND deleted_at IS NULL) AS members,
        (SELECT count(*)::int FROM "order" WHERE deleted_at IS NULL) AS orders,
        (SELECT count(DISTINCT date_trunc('month', created_at))::int FROM "order" WHERE created_at > now() - interval '12 months') AS order_months,
        (SELECT count(*)::int FROM loyalty_account a
           LEFT JOIN (SELECT account_id, sum(balance_change) AS b, sum(pending_change) AS p, sum(debt_change) AS d FROM loyalty_entry GROUP BY account_id) e ON e.account_id = a.id
           LEFT JOIN (SELECT account_id, sum(remaining) AS r FROM loyalty_lot WHERE deleted_at IS NULL GROUP BY account_id) l ON l.account_id = a.id
          WHERE a.deleted_at IS NULL
            AND (a.balance <> coalesce(e.b, 0) OR a.pending <> coalesce(e.p, 0) OR a.debt <> coalesce(e.d, 0) OR a.balance <> coalesce(l.r, 0)
                 OR a.balance < 0 OR a.pending < 0)) AS broken_accounts,
        (SELECT count(*)::int FROM loyalty_entry GROUP BY idempotency_key, voided_at IS NULL HAVING count(*) > 1 LIMIT 1) AS duplicate_keys,
        (SELECT count(*)::int FROM "order" o JOIN customer cu ON cu.id = o.customer_id AND cu.has_account
          WHERE NOT EXISTS (SELECT 1 FROM loyalty_entry e WHERE e.idempotency_key = 'earn:order:' || o.id)) AS member_orders_without_points,
        (SELECT count(*)::int FROM order_points, seeded WHERE pending > 0 AND release_at < seeded.at) AS overdue_pending,
        (SELECT count(*)::int FROM loyalty_lot, seeded WHERE remaining > 0 AND expires_at < seeded.at) AS overdue_lots,
        (SELECT count(*)::int FROM loyalty_entry WHERE type = 'release') AS releases,
        (SELECT count(*)::int FROM loyalty_entry e WHERE e.type = 'release'
            AND NOT EXISTS (SELECT 1 FROM loyalty_tier_activity t WHERE t.source_id = e.id)) AS releases_not_counted_for_tiers,
        (SELECT count(*)::int FROM loyalty_entry WHERE type = 'expire') AS expiries,
        (SELECT count(*)::int FROM window_points w
           WHERE w.points >= (SELECT min(threshold) FROM loyalty_tier WHERE deleted_at IS NULL AND metric = 'points')
             AND NOT EXISTS (SELECT 1 FROM loyalty_tier_membership m WHERE m.customer_id = w.customer_id AND m.tier_id IS NOT NULL)) AS qualified_without_tier,
        (SELECT count(*)::int FROM loyalty_tier_membership WHERE tier_id IS NOT NULL) AS in_tiers,
        (SELECT count(*)::int FROM loyalty_customer_insight i, latest WHERE i.run_id = latest.id AND i.deleted_at IS NULL) AS insight_rows,
        (SELECT count(DISTINCT rfm_segment)::int FROM loyalty_customer_insight i, latest WHERE i.run_id = latest.id AND i.deleted_at IS NULL) AS segments,
        (SELECT count(DISTINCT month)::int FROM loyalty_kpi_snapshot k, latest WHERE k.run_id = latest.id AND k.deleted_at IS NULL) AS kpi_months`,
      [seededAt]
    )
    const problems = []
    const want = (ok, message) => ok || problems.push(message)
    want(c.members === large.target.members, `${c.members} members, expected ${large.target.members}`)
    want(c.orders === large.target.orders, `${c.orders} orders, expected ${large.target.orders}`)
    want(c.order_months >= 12, `orders in ${c.order_months} of the last 12 months`)
    want(c.broken_accounts === 0, `${c.broken_accounts} accounts whose balance, pending or debt is not their ledger sum, or whose balance is not their lots'`)
    want(!c.duplicate_keys, "two live ledger entries share an idempotency key")
    want(c.member_orders_without_points === 0, `${c.member_orders_without_points} members' orders without their earn entry`)
    want(c.overdue_pending === 0, `${c.overdue_pending} orders still pending after their return window`)
    want(c.overdue_lots === 0, `${c.overdue_lots} lots past their expiry still holding points`)
    want(c.releases > c.members, `${c.releases} releases for ${c.members} members`)
    want(c.releases_not_counted_for_tiers === 0, `${c.releases_not_counted_for_tiers} releases not counted toward tiers`)
    want(c.expiries > 0, "no points expired")
    want(c.qualified_without_tier === 0, `${c.qualified_without_tier} members whose last 12 months reach a tier but who have none`)
    want(c.insight_rows >= 0.9 * c.members, `${c.insight_rows} customers in the latest insights run for ${c.members} members`)
    want(c.segments >= 5, `${c.segments} insight segments`)
    want(c.kpi_months >= 12, `${c.kpi_months} months of KPIs`)
    assert(!problems.length, problems.join("; "))
    return Object.entries(c).map(([k, v]) => `${k} ${v}`).join(", ")
  })
}

/** Run one of the demo's browser test scripts against the running demo; resolves when it passes. */
function runScript(script) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, script)], {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
    })
    child.on("exit", (code) =>
      code === 0 ? resolve(`demo/${script} passed`) : reject(new Error(`demo/${script} exited with ${code}`))
    )
  })
}

let exitCode = 0
main()
  .catch((error) => {
    exitCode = 1
    if (!results.some((r) => !r.ok)) log(`FAIL ${error && error.stack ? error.stack : error}`)
  })
  .then(async () => {
    try {
      await stopDemo()
      if (demoExited && demoExited.code !== 130 && demoExited.code !== 0 && exitCode === 0) {
        throw new Error(`the demo exited with ${demoExited.signal || `code ${demoExited.code}`} on SIGINT`)
      }
      await new Promise((resolve) => setTimeout(resolve, 500))
      const leftovers = [
        ...processesMatching(path.join(STORE, ".medusa", "server")),
        ...processesMatching(path.join(STORE, "node_modules", ".bin", "medusa")),
        ...processesMatching(path.join(STORE, "pgdata")),
      ]
      if (leftovers.length) {
        throw new Error(`processes left running after the demo stopped:\n${leftovers.join("\n")}`)
      }
      log("the demo stopped cleanly: no Medusa or embedded Postgres left running")
    } catch (error) {
      exitCode = 1
      log(`FAIL ${error.message}`)
    }
    const failed = results.filter((r) => !r.ok).length
    log(
      exitCode === 0
        ? `all ${results.length} checks passed; screenshots in ${path.relative(ROOT, ARTIFACTS)}/`
        : `FAILED (${failed} failing check${failed === 1 ? "" : "s"}); see ${path.relative(ROOT, ARTIFACTS)}/demo-output.log and demo/.store/logs/`
    )
    fs.rmSync(process.env.DEMO_ADMIN_SESSION, { force: true })
    process.exit(exitCode)
  })

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    log(`${signal}: stopping the demo`)
    try {
      await stopDemo()
    } finally {
      process.exit(1)
    }
  })
}
