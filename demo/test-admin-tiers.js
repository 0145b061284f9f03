#!/usr/bin/env node
/**
 * `node demo/test-admin-tiers.js`: against an ALREADY RUNNING demo store
 * (demo/.store/demo-info.json), checks in headless Chromium that
 *
 *   "an admin logs in, creates a tier in Settings → Loyalty → Tiers, sees it
 *    listed and sees it on a qualifying customer's page"
 *
 *   1. the admin logs in with the dashboard's login form
 *   2. Settings → Loyalty, the "Tiers" tab navigates to /app/settings/loyalty/tiers
 *   3. "Create tier": a uniquely named points tier whose threshold the seeded
 *      shopper already meets; "Create tier" saves it
 *   4. the tiers table lists the new tier
 *   5. the shopper's customer page: the "Loyalty tier" widget shows the new
 *      tier, as the tier in effect or as the next tier (a new tier moves
 *      nobody in: customers reach it with their next released points or the
 *      daily job, so right after creation it shows as "0 points to <tier>")
 *   6. the same page's "Member care" card shows the birthday the shopper set in
 *      the storefront (demo/test-storefront.js, run before this by test:demo)
 *   7. Settings → Loyalty → Actions and notifications: a new template for the
 *      points-expiring message, saved (then reset through the API)
 *
 * It neither starts nor stops the store. Tiers named "E2E Tier …" left by an
 * earlier, interrupted run are deleted first, and the tier this run creates is
 * deleted at the end (DELETE /admin/loyalty/tiers/:id?move_members_to=none).
 * Screenshots go to artifacts/admin-tiers/. Exit code 1 on any failure.
 */
"use strict"

const fs = require("fs")
const path = require("path")

const ROOT = path.resolve(__dirname, "..")
const ARTIFACTS = path.join(ROOT, "artifacts", "admin-tiers")
const INFO_FILE = path.join(__dirname, ".store", "demo-info.json")
const TIER_PREFIX = "E2E Tier"

const { CHROMIUM, launchChromium, newAdminPage, logInAdmin } = require("./lib/browser")
const { createHarness, assert, request } = require("./lib/harness")
const { log, check, runChecks } = createHarness("test:admin-tiers")

async function waitForText(locator, predicate, timeoutMs) {
  let text = ""
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await locator.count()) {
      text = (await locator.first().innerText().catch(() => "")).trim()
      if (predicate(text)) return text
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return text
}

// ---------------------------------------------------------------------------

async function main() {
  assert(fs.existsSync(INFO_FILE), `${path.relative(ROOT, INFO_FILE)} is missing: is the demo store running (npm run demo)?`)
  const info = JSON.parse(fs.readFileSync(INFO_FILE, "utf8"))
  const BASE = info.url.replace(/\/+$/, "")
  const shopperId = info.shopper.customerId
  fs.mkdirSync(ARTIFACTS, { recursive: true })

  const tierName = `${TIER_PREFIX} ${Date.now()}`
  let token
  let auth
  let threshold = 1
  let createdId = null

  await check(`the store answers and the admin API logs in (${BASE})`, async () => {
    const health = await request("GET", `${BASE}/health`)
    assert(health.status === 200, `GET /health: status ${health.status}`)
    const res = await request("POST", `${BASE}/auth/user/emailpass`, {
      body: { email: info.admin.email, password: info.admin.password },
    })
    assert(res.status === 200 && res.json && res.json.token, `POST /auth/user/emailpass: status ${res.status} ${res.text.slice(0, 200)}`)
    token = res.json.token
    auth = { authorization: `Bearer ${token}` }
    return "token received"
  })

  await check("tiers left by earlier runs are removed; pick a threshold the shopper meets", async () => {
    const list = await request("GET", `${BASE}/admin/loyalty/tiers`, { headers: auth })
    assert(list.status === 200, `GET /admin/loyalty/tiers: status ${list.status} ${list.text.slice(0, 200)}`)
    const stale = list.json.tiers.filter((tier) => tier.name.startsWith(`${TIER_PREFIX} `))
    for (const tier of stale) {
      const del = await request("DELETE", `${BASE}/admin/loyalty/tiers/${tier.id}?move_members_to=none`, { headers: auth })
      assert(del.status === 200, `DELETE stale tier ${tier.name}: status ${del.status} ${del.text.slice(0, 200)}`)
    }
    const others = list.json.tiers.filter((tier) => !tier.name.startsWith(`${TIER_PREFIX} `))
    const customer = await request("GET", `${BASE}/admin/loyalty/accounts/${shopperId}/tier`, { headers: auth })
    assert(customer.status === 200, `GET /admin/loyalty/accounts/:id/tier: status ${customer.status} ${customer.text.slice(0, 200)}`)
    const points = customer.json.tier.qualification.points
    // The new tier gets the highest rank, so its threshold must be above the
    // other points tiers' (thresholds grow with rank) and within the shopper's points.
    const highest = Math.max(0, ...others.filter((tier) => tier.metric === "points").map((tier) => tier.threshold || 0))
    threshold = highest + 1
    assert(points >= threshold, `the shopper has ${points} qualifying points; other tiers need up to ${highest}, so no new top tier could be met`)
    return `${stale.length} stale tier(s) deleted, ${others.length} other tier(s) kept; shopper has ${points} points in the window, threshold ${threshold}`
  })

  const browser = await launchChromium()
  const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true }).catch(() => undefined)
  const pageErrors = []
  try {
    const { page } = await newAdminPage(browser, { pageErrors })

    await check("admin logs in (the dashboard's form, or the session test:demo saved)", async () => {
      const how = await logInAdmin(page, { base: BASE, admin: info.admin, onForm: (p) => shot(p, "01-login.png") })
      await page.waitForLoadState("networkidle", { timeout: 20000 }).catch(() => undefined)
      await shot(page, "02-after-login.png")
      return `${how}: ${new URL(page.url()).pathname}`
    })

    await check('Settings → Loyalty: the "Tiers" tab opens /app/settings/loyalty/tiers', async () => {
      await page.goto(`${BASE}/app/settings/loyalty`)
      const nav = page.locator('[data-testid="loyalty-settings-nav"]')
      await nav.waitFor({ state: "visible" })
      await shot(page, "03-settings-loyalty.png")
      await nav.getByRole("link", { name: "Tiers", exact: true }).click()
      await page.waitForURL((url) => /\/app\/settings\/loyalty\/tiers\/?$/.test(url.pathname), { timeout: 30000 })
      // The new page renders its own nav; wait for it to mark "Tiers" as the current tab.
      const activeTab = page.locator('[data-testid="loyalty-settings-nav"] a[aria-current="page"]')
      const active = await waitForText(activeTab, (t) => t === "Tiers", 15000)
      assert(active === "Tiers", `the active tab is "${active}", expected "Tiers"`)
      await page.locator('[data-testid="loyalty-tier-create"]').waitFor({ state: "visible" })
      await page
        .locator('[data-testid="loyalty-tiers-table"], [data-testid="loyalty-tiers-empty"]')
        .first()
        .waitFor({ state: "visible" })
      await shot(page, "04-tiers-page.png")
      return new URL(page.url()).pathname
    })

    await check(`creates the tier "${tierName}" (points earned ≥ ${threshold})`, async () => {
      await page.locator('[data-testid="loyalty-tier-create"]').click()
      const form = page.locator('[data-testid="loyalty-tier-form"]')
      await form.waitFor({ state: "visible" })
      await form.locator('[data-testid="loyalty-tier-name"]').fill(tierName)
      const metric = (await form.locator('[data-testid="loyalty-tier-metric"]').innerText()).trim()
      assert(metric === "Points earned", `"Reached by" shows "${metric}", expected the default "Points earned"`)
      await form.locator('[data-testid="loyalty-tier-threshold"]').fill(String(threshold))
      await form.locator('[data-testid="loyalty-tier-multiplier"]').fill("1.25")
      await form.locator('[data-testid="loyalty-tier-perks"]').fill("Created by demo/test-admin-tiers.js")
      await shot(page, "05-tier-form.png")
      const created = page.waitForResponse(
        (res) => res.request().method() === "POST" && /\/admin\/loyalty\/tiers\/?(\?|$)/.test(new URL(res.url()).pathname + "?"),
        { timeout: 30000 }
      )
      await form.locator('[data-testid="loyalty-tier-save"]').click()
      const res = await created
      const body = await res.json().catch(() => undefined)
      if (body && body.tier && body.tier.id) createdId = body.tier.id
      if (res.status() !== 200) {
        await shot(page, "05-tier-form-error.png")
        const error = await page.locator('[data-testid="loyalty-tier-form-error"]').innerText().catch(() => "")
        throw new Error(`POST /admin/loyalty/tiers answered ${res.status()}: ${error || JSON.stringify(body)}`)
      }
      await form.waitFor({ state: "detached", timeout: 30000 })
      return `tier ${createdId}`
    })

    await check("the tiers table lists the new tier", async () => {
      const row = page.locator(`[data-testid="loyalty-tiers-table"] tbody tr:has([data-tier-name="${tierName}"])`)
      await row.waitFor({ state: "visible", timeout: 30000 })
      const text = (await row.innerText()).replace(/\s+/g, " ").trim()
      assert(text.includes(tierName), `the row reads "${text}"`)
      assert(text.includes("1.25"), `the row does not show the × 1.25 multiplier: "${text}"`)
      // "Would qualify now" comes from the tier preview; give it a moment.
      const qualifying = await waitForText(row.locator('[data-testid="loyalty-tier-qualifying"]'), (t) => /\d/.test(t), 15000)
      await row.scrollIntoViewIfNeeded()
      await shot(page, "06-tier-listed.png")
      const rows = await page.locator('[data-testid="loyalty-tiers-table"] tbody tr').count()
      return `row "${text}"; would qualify now: ${qualifying || "-"}; ${rows} tier row(s)`
    })

    await check("the qualifying shopper's customer page shows the new tier in the loyalty tier widget", async () => {
      await page.goto(`${BASE}/app/customers/${shopperId}`)
      const widget = page.locator('[data-testid="loyalty-customer-tier"]')
      await widget.waitFor({ state: "visible", timeout: 60000 })
      const current = widget.locator('[data-testid="loyalty-tier-current"]')
      await current.waitFor({ state: "visible", timeout: 60000 })
      const progress = widget.locator('[data-testid="loyalty-tier-progress"]')
      // Current tier (badge and "Tier" row) or next tier ("0 points to <tier>").
      let currentText = ""
      let progressText = ""
      const deadline = Date.now() + 30000
      while (Date.now() < deadline) {
        currentText = (await current.innerText()).trim()
        progressText = (await progress.innerText().catch(() => "")).trim()
        if (currentText.includes(tierName) || progressText.includes(tierName)) break
        await page.waitForTimeout(250)
      }
      await widget.scrollIntoViewIfNeeded()
      await shot(page, "07-customer-page.png")
      await widget.screenshot({ path: path.join(ARTIFACTS, "08-tier-widget.png") }).catch(() => undefined)
      const activity = (await widget.locator('[data-testid="loyalty-tier-activity"]').innerText().catch(() => "")).trim()
      if (currentText.includes(tierName)) {
        return `current tier "${currentText}"; activity "${activity}"`
      }
      assert(
        progressText.includes(tierName),
        `the widget shows tier "${currentText}" and next tier "${progressText}"; neither names ${tierName}`
      )
      const missing = progressText.match(/^([\d,.]+)\s/)
      assert(
        missing && Number(missing[1].replace(/[^\d.]/g, "")) === 0,
        `the shopper should already qualify (0 missing), the widget says "${progressText}"`
      )
      return `current tier "${currentText}", next tier "${progressText}" (qualifies; moved in by the next released points or the daily job); activity "${activity}"`
    })

    await check("the shopper's customer page shows the birthday set in the storefront (Member care card)", async () => {
      // demo/test-storefront.js (run before this script by test:demo) sets it in the storefront
      const { preferences } = (await request("GET", `${BASE}/admin/loyalty/accounts/${shopperId}/preferences`, { headers: auth })).json
      assert(preferences.birthday, "the shopper has no birthday: run demo/test-storefront.js first (npm run test:demo does)")
      const card = page.locator('[data-testid="loyalty-member-care"]')
      await card.waitFor({ state: "visible", timeout: 60000 })
      const birthday = card.locator('[data-testid="loyalty-member-birthday"]')
      await birthday.waitFor({ state: "visible", timeout: 60000 })
      const shown = await birthday.getAttribute("data-birthday")
      assert(shown === preferences.birthday, `the card shows "${shown}", the shopper set "${preferences.birthday}"`)
      await card.scrollIntoViewIfNeeded()
      await card.screenshot({ path: path.join(ARTIFACTS, "09-member-care.png") }).catch(() => undefined)
      return `"${(await birthday.innerText()).trim()}"`
    })

    await check("Settings → Loyalty → Actions and notifications: staff change a message's template and save it", async () => {
      const template = `e2e-points-expiring-${Date.now()}`
      await page.goto(`${BASE}/app/settings/loyalty/actions`)
      const row = page.locator('[data-testid="loyalty-notification-points-expiring"]')
      await row.waitFor({ state: "visible", timeout: 60000 })
      const input = row.getByLabel("points-expiring template")
      await input.fill(template)
      const saved = page.waitForResponse(
        (res) => res.request().method() === "POST" && /\/admin\/loyalty\/notification-settings$/.test(new URL(res.url()).pathname),
        { timeout: 30000 }
      )
      await page.locator('[data-testid="loyalty-notification-settings"]').getByRole("button", { name: "Save" }).click()
      const res = await saved
      assert(res.status() === 200, `POST /admin/loyalty/notification-settings answered ${res.status()}`)
      await page.getByText("Notification settings saved").first().waitFor({ state: "visible", timeout: 15000 })
      await row.scrollIntoViewIfNeeded()
      await shot(page, "10-notification-settings.png")
      const { notifications } = (await request("GET", `${BASE}/admin/loyalty/notification-settings`, { headers: auth })).json
      const kind = notifications.kinds.find((k) => k.kind === "points-expiring")
      assert(kind.template === template && kind.customized, `the saved template is "${kind.template}", expected "${template}"`)
      // Back to the plugin options' template, so the next run starts from the same settings.
      const reset = await request("POST", `${BASE}/admin/loyalty/notification-settings`, {
        headers: auth,
        body: { kinds: [{ kind: "points-expiring", template: null }] },
      })
      assert(reset.status === 200, `resetting the template answered ${reset.status}`)
      return `saved "${template}" on ${kind.channel} (provider: ${kind.provider}), then reset`
    })
  } finally {
    await browser.close().catch(() => undefined)
    if (pageErrors.length) log(`page errors: ${pageErrors.join(" | ")}`)
    // Clean up even when a check failed, so the next run starts from the same set.
    await check(`the tier created by this run is deleted via the admin API`, async () => {
      if (!createdId) {
        const list = await request("GET", `${BASE}/admin/loyalty/tiers`, { headers: auth })
        const found = list.json && list.json.tiers.find((tier) => tier.name === tierName)
        if (!found) return "nothing was created"
        createdId = found.id
      }
      const del = await request("DELETE", `${BASE}/admin/loyalty/tiers/${createdId}?move_members_to=none`, { headers: auth })
      assert(del.status === 200 && del.json && del.json.deleted, `status ${del.status} ${del.text.slice(0, 200)}`)
      const after = await request("GET", `${BASE}/admin/loyalty/tiers`, { headers: auth })
      assert(!after.json.tiers.some((tier) => tier.id === createdId), "the tier is still listed")
      return `${createdId} deleted (moved ${del.json.moved || 0})`
    })
  }
}

runChecks(main, ARTIFACTS)
