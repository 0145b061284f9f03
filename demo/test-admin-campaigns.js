#!/usr/bin/env node
/**
 * `node demo/test-admin-campaigns.js`: against an ALREADY RUNNING demo store
 * (demo/.store/demo-info.json), checks in headless Chromium that
 *
 *   "an admin creates a recurring member-day campaign in Settings → Loyalty →
 *    Campaigns, and the shopper sees it in the cart preview of the demo storefront"
 *
 *   1. the admin logs in with the dashboard's login form
 *   2. Settings → Loyalty, the "Campaigns" tab opens /app/settings/loyalty/campaigns
 *   3. "Create": a live ×2 campaign repeating monthly on today's and tomorrow's
 *      day of the month (in the store's time zone, so a run across midnight
 *      still finds it live); the form's preview lists its next occurrences,
 *      the first one today; "Save" creates it and the table lists it as live
 *   4. the demo storefront: the shopper logs in, adds a product, and the cart's
 *      "This order earns N points" lists the campaign with the points it adds
 *
 * It neither starts nor stops the store. Campaigns named "E2E Member day …"
 * left by an interrupted run are deleted first, and the one this run creates
 * is deleted at the end. Screenshots: artifacts/admin-campaigns/. Exit code 1
 * on any failure.
 */
"use strict"

const fs = require("fs")
const path = require("path")
const { startStorefront } = require("./storefront/serve")

const ROOT = path.resolve(__dirname, "..")
const ARTIFACTS = path.join(ROOT, "artifacts", "admin-campaigns")
const INFO_FILE = process.env.DEMO_INFO || path.join(__dirname, ".store", "demo-info.json")
const PREFIX = "E2E Member day"

const { CHROMIUM, launchChromium, newAdminPage, logInAdmin } = require("./lib/browser")
const { createHarness, assert, request } = require("./lib/harness")
const { log, check, runChecks } = createHarness("test:admin-campaigns")

/** The day of the month of `date` in `timeZone`. */
const dayIn = (date, timeZone) => Number(new Intl.DateTimeFormat("en-US", { timeZone, day: "numeric" }).format(date))

async function main() {
  assert(fs.existsSync(INFO_FILE), `${path.relative(ROOT, INFO_FILE)} is missing: is the demo store running (npm run demo)?`)
  const info = JSON.parse(fs.readFileSync(INFO_FILE, "utf8"))
  const BASE = info.url.replace(/\/+$/, "")
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  const name = `${PREFIX} ${Date.now()}`
  let auth
  let timeZone = "UTC"
  let createdId = null

  await check(`the store answers and the admin API logs in (${BASE})`, async () => {
    const health = await request("GET", `${BASE}/health`)
    assert(health.status === 200, `GET /health: status ${health.status}`)
    const res = await request("POST", `${BASE}/auth/user/emailpass`, {
      body: { email: info.admin.email, password: info.admin.password },
    })
    assert(res.status === 200 && res.json && res.json.token, `POST /auth/user/emailpass: status ${res.status}`)
    auth = { authorization: `Bearer ${res.json.token}` }
    const list = await request("GET", `${BASE}/admin/loyalty/campaigns`, { headers: auth })
    assert(list.status === 200, `GET /admin/loyalty/campaigns: status ${list.status} ${list.text.slice(0, 200)}`)
    timeZone = list.json.time_zone
    for (const stale of list.json.campaigns.filter((c) => c.name.startsWith(`${PREFIX} `))) {
      const del = await request("DELETE", `${BASE}/admin/loyalty/campaigns/${stale.id}`, { headers: auth })
      assert(del.status === 200, `DELETE stale campaign: status ${del.status}`)
    }
    return `store time zone ${timeZone}`
  })

  const now = new Date()
  const days = [...new Set([dayIn(now, timeZone), dayIn(new Date(now.getTime() + 86400000), timeZone)])]

  const browser = await launchChromium()
  let storefront = null
  const pageErrors = []
  try {
    const { page } = await newAdminPage(browser, { pageErrors })
    const shot = (p, file) => p.screenshot({ path: path.join(ARTIFACTS, file), fullPage: true }).catch(() => undefined)
    const pick = async (testId, option) => {
      await page.locator(`[data-testid="${testId}"]`).click()
      await page.getByRole("option", { name: option }).click()
    }

    await check("admin logs in (the dashboard's form, or the session test:demo saved)", async () => {
      const how = await logInAdmin(page, { base: BASE, admin: info.admin, path: "/app/settings/loyalty" })
      return `${how}: ${new URL(page.url()).pathname}`
    })

    await check('Settings → Loyalty: the "Campaigns" tab opens the campaigns page', async () => {
      const nav = page.locator('[data-testid="loyalty-settings-nav"]')
      await nav.waitFor({ state: "visible" })
      await nav.getByRole("link", { name: "Campaigns", exact: true }).click()
      await page.waitForURL((url) => /\/app\/settings\/loyalty\/campaigns\/?$/.test(url.pathname), { timeout: 30000 })
      await page.locator('[data-testid="loyalty-campaign-create"]').waitFor({ state: "visible" })
      await shot(page, "01-campaigns-page.png")
      return new URL(page.url()).pathname
    })

    await check(`creates "${name}": live, ×2, monthly on day ${days.join(" and ")} (${timeZone})`, async () => {
      await page.locator('[data-testid="loyalty-campaign-create"]').click()
      await page.locator('[data-testid="loyalty-campaign-name"]').fill(name)
      await pick("loyalty-campaign-status", "live")
      await page.locator('[data-testid="loyalty-campaign-value"]').fill("2")
      await pick("loyalty-campaign-recurrence", "Monthly (member day)")
      await page.locator('[data-testid="loyalty-campaign-days"]').fill(days.join(", "))
      const zone = await page.locator('[data-testid="loyalty-campaign-time-zone"]').inputValue()
      assert(zone === timeZone, `the form's time zone is "${zone}", the store's is "${timeZone}"`)
      // The server's preview of the next occurrences, the first one today.
      const preview = page.locator('[data-testid="loyalty-campaign-preview"] li')
      const deadline = Date.now() + 20000
      let count = 0
      while (Date.now() < deadline && (count = await preview.count()) < 5) await page.waitForTimeout(250)
      assert(count === 5, `the preview lists ${count} occurrences, expected 5`)
      const first = (await preview.first().innerText()).trim()
      await shot(page, "02-campaign-form.png")
      const created = page.waitForResponse(
        (res) => res.request().method() === "POST" && /\/admin\/loyalty\/campaigns\/?$/.test(new URL(res.url()).pathname),
        { timeout: 30000 }
      )
      await page.locator('[data-testid="loyalty-campaign-save"]').click()
      const res = await created
      const body = await res.json().catch(() => undefined)
      assert(res.status() === 200, `POST /admin/loyalty/campaigns answered ${res.status()}: ${JSON.stringify(body)}`)
      createdId = body.campaign.id
      assert(body.campaign.effective_status === "live", `the campaign is ${body.campaign.effective_status}, expected live`)
      const startsToday = dayIn(new Date(body.campaign.next_occurrences[0].starts_at), timeZone) === days[0]
      assert(startsToday, `the first occurrence ${body.campaign.next_occurrences[0].starts_at} is not today (${days[0]})`)
      return `${createdId}; preview starts "${first}"`
    })

    await check("the campaigns table lists it as live", async () => {
      const row = page.locator('[data-testid="loyalty-campaigns-table"] tr', { hasText: name })
      await row.waitFor({ state: "visible", timeout: 30000 })
      const text = (await row.innerText()).replace(/\s+/g, " ").trim()
      assert(/live/.test(text) && /×2/.test(text), `the row reads "${text}"`)
      await shot(page, "03-campaign-listed.png")
      return text
    })

    await check("the demo storefront's cart preview lists the campaign and the points it adds", async () => {
      storefront = await startStorefront({ port: 0, backendUrl: info.url, publishableKey: info.publishableKey, proxy: true, log })
      const shop = await browser.newPage({ viewport: { width: 1280, height: 900 } })
      shop.setDefaultTimeout(60000)
      await shop.goto(storefront.url)
      await shop.locator('[data-testid="login-email"]').fill(info.shopper.email)
      await shop.locator('[data-testid="login-password"]').fill(info.shopper.password)
      await shop.locator('[data-testid="login-submit"]').click()
      await shop.locator('header [data-testid="loyalty-balance"]').waitFor()
      await shop.locator('[data-testid^="product-add-"]:not([disabled])').first().click()
      await shop.locator('[data-testid="cart-item"]').first().waitFor()
      const campaign = shop.locator('[data-testid="points-campaign"]', { hasText: name })
      await campaign.waitFor({ state: "visible", timeout: 30000 })
      const text = (await campaign.innerText()).trim()
      const earn = (await shop.locator('[data-testid="points-to-earn"]').innerText()).replace(/\s+/g, " ").trim()
      await shot(shop, "04-storefront-cart.png")
      assert(/\(×2\): \+[\d,]+ points/.test(text), `the campaign line reads "${text}"`)
      return `"${earn}"`
    })
  } finally {
    await browser.close().catch(() => undefined)
    if (storefront) await storefront.stop().catch(() => undefined)
    if (pageErrors.length) log(`page errors: ${pageErrors.join(" | ")}`)
    await check("the campaign created by this run is deleted via the admin API", async () => {
      if (!createdId) return "nothing was created"
      const del = await request("DELETE", `${BASE}/admin/loyalty/campaigns/${createdId}`, { headers: auth })
      assert(del.status === 200 && del.json && del.json.deleted, `status ${del.status} ${del.text.slice(0, 200)}`)
      return `${createdId} deleted`
    })
  }
}

runChecks(main, ARTIFACTS)
