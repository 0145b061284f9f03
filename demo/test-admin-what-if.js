#!/usr/bin/env node
/**
 * `node demo/test-admin-what-if.js`: against an ALREADY RUNNING demo store
 * (demo/.store/demo-info.json), checks in headless Chromium that
 *
 *   "an admin changes the earn rate in Settings → Loyalty, sees the what-if
 *    comparison on the store's own history, and cancels: nothing is saved"
 *
 *   1. the admin logs in with the dashboard's login form
 *   2. Settings → Loyalty: the EUR earn rate is set to twice the saved one (not saved)
 *   3. "Preview impact" asks POST /admin/loyalty/what-if with the form's values; the panel shows the
 *      comparison (points issued now and proposed, liability, cost share) and the most affected customers
 *   4. "Reset" puts the saved rate back; the program's version and earn rate are unchanged (admin API)
 *   5. Settings → Loyalty → Tiers: the top tier's multiplier doubled in its form, "Preview impact" there,
 *      Cancel; the tier is unchanged
 *   6. Settings → Loyalty → Campaigns: a new ×3 campaign typed in the create form (a draft: previewed as
 *      if published), "Preview impact" there shows more points proposed than now, Cancel; no campaign
 *      was created
 *
 * It neither starts nor stops the store. Screenshots: artifacts/admin-what-if/. Exit code 1 on any failure.
 */
"use strict"

const fs = require("fs")
const path = require("path")

const ROOT = path.resolve(__dirname, "..")
const ARTIFACTS = path.join(ROOT, "artifacts", "admin-what-if")
const INFO_FILE = process.env.DEMO_INFO || path.join(__dirname, ".store", "demo-info.json")

const { CHROMIUM, launchChromium, newAdminPage, logInAdmin } = require("./lib/browser")
const { createHarness, assert, request } = require("./lib/harness")
const { log, check, runChecks } = createHarness("test:admin-what-if")

async function main() {
  assert(fs.existsSync(INFO_FILE), `${path.relative(ROOT, INFO_FILE)} is missing: is the demo store running (npm run demo)?`)
  const info = JSON.parse(fs.readFileSync(INFO_FILE, "utf8"))
  const BASE = info.url.replace(/\/+$/, "")
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  let auth
  let before

  const readProgram = async () => {
    const res = await request("GET", `${BASE}/admin/loyalty/program`, { headers: auth })
    assert(res.status === 200, `GET /admin/loyalty/program: status ${res.status}`)
    return res.json.program
  }

  await check(`the admin API logs in and reads the program (${BASE})`, async () => {
    const res = await request("POST", `${BASE}/auth/user/emailpass`, {
      body: { email: info.admin.email, password: info.admin.password },
    })
    assert(res.status === 200 && res.json && res.json.token, `POST /auth/user/emailpass: status ${res.status}`)
    auth = { authorization: `Bearer ${res.json.token}` }
    before = await readProgram()
    assert(Number(before.earn_rates.eur) > 0, `the demo's EUR earn rate is ${before.earn_rates.eur}`)
    return `version ${before.version}, EUR earn rate ${before.earn_rates.eur}`
  })

  const browser = await launchChromium()
  const pageErrors = []
  try {
    const { page } = await newAdminPage(browser, { pageErrors })
    const shot = (file) => page.screenshot({ path: path.join(ARTIFACTS, file), fullPage: true }).catch(() => undefined)
    const doubled = String(Number(before.earn_rates.eur) * 2)
    const rate = page.locator('[data-testid="loyalty-earn-rate-eur"]')

    await check("admin logs in and opens Settings → Loyalty", async () => {
      const how = await logInAdmin(page, { base: BASE, admin: info.admin, path: "/app/settings/loyalty" })
      await rate.waitFor({ state: "visible" })
      return `${new URL(page.url()).pathname} (logged in with ${how})`
    })

    await check(`sets the EUR earn rate to ${doubled} and previews the impact`, async () => {
      await rate.fill(doubled)
      const asked = page.waitForResponse(
        (res) => res.request().method() === "POST" && /\/admin\/loyalty\/what-if\/?$/.test(new URL(res.url()).pathname),
        { timeout: 120000 }
      )
      await page.locator('[data-testid="what-if-preview"]').click()
      const res = await asked
      const body = await res.json().catch(() => undefined)
      assert(res.status() === 200, `POST /admin/loyalty/what-if answered ${res.status()}: ${JSON.stringify(body)}`)
      const sent = JSON.parse(res.request().postData() || "{}")
      assert(Number(sent.program && sent.program.earn_rates && sent.program.earn_rates.eur) === Number(doubled), `the request sent ${res.request().postData()}`)
      const w = body.what_if
      assert(w.orders > 0 && w.current.issued > 0, `the replay saw ${w.orders} orders, ${w.current.issued} points`)
      assert(w.proposed.issued > w.current.issued, `proposed ${w.proposed.issued} is not above current ${w.current.issued}`)
      const cell = page.locator('[data-testid="what-if-proposed-issued"]')
      await cell.waitFor({ state: "visible" })
      const shown = (await cell.innerText()).replace(/[^\d]/g, "")
      assert(Number(shown) === w.proposed.issued, `the panel shows ${shown} proposed points, the route ${w.proposed.issued}`)
      const affected = await page.locator('[data-testid="what-if-most-affected"] tbody tr').count()
      assert(affected > 0, "no most affected customers listed")
      await shot("01-what-if.png")
      return `${w.orders} orders: ${w.current.issued} → ${w.proposed.issued} points (ledger ${w.ledger.issued}), ${w.duration_ms} ms`
    })

    await check("Reset puts the saved rate back, and nothing was saved", async () => {
      await page.getByRole("button", { name: "Reset" }).click()
      const shown = await rate.inputValue()
      assert(Number(shown) === Number(before.earn_rates.eur), `the form shows ${shown} after Reset`)
      const after = await readProgram()
      assert(after.version === before.version, `the program's version moved from ${before.version} to ${after.version}`)
      assert(Number(after.earn_rates.eur) === Number(before.earn_rates.eur), `the EUR earn rate is now ${after.earn_rates.eur}`)
      return `version ${after.version}, EUR earn rate ${after.earn_rates.eur}`
    })

    await check("Settings → Loyalty → Tiers: a tier's doubled multiplier, previewed in its form, then canceled", async () => {
      const tiersBefore = (await request("GET", `${BASE}/admin/loyalty/tiers`, { headers: auth })).json.tiers
      assert(tiersBefore.length > 0, "the demo has no tiers")
      const top = tiersBefore[tiersBefore.length - 1]
      await page.goto(`${BASE}/app/settings/loyalty/tiers`)
      const row = page.locator(`[data-testid="loyalty-tiers-table"] tbody tr:has([data-tier-name="${top.name}"])`)
      await row.waitFor({ state: "visible" })
      await row.getByRole("button", { name: "Edit" }).click()
      const form = page.locator('[data-testid="loyalty-tier-form"]')
      await form.waitFor({ state: "visible" })
      const multiplier = String(Number(top.earn_multiplier) * 2)
      await form.locator('[data-testid="loyalty-tier-multiplier"]').fill(multiplier)
      const asked = page.waitForResponse(
        (res) => res.request().method() === "POST" && /\/admin\/loyalty\/what-if\/?$/.test(new URL(res.url()).pathname),
        { timeout: 120000 }
      )
      await form.locator('[data-testid="what-if-preview"]').click()
      const res = await asked
      const body = await res.json().catch(() => undefined)
      assert(res.status() === 200, `POST /admin/loyalty/what-if answered ${res.status()}: ${JSON.stringify(body)}`)
      const sent = JSON.parse(res.request().postData() || "{}")
      const sentTop = (sent.tiers || []).find((t) => t.id === top.id)
      assert(sentTop && Number(sentTop.earn_multiplier) === Number(multiplier), `the request sent ${res.request().postData()}`)
      const w = body.what_if
      assert(w.proposed.issued >= w.current.issued, `a doubled ${top.name} multiplier issues ${w.proposed.issued}, fewer than ${w.current.issued}`)
      await form.locator('[data-testid="what-if-proposed-issued"]').waitFor({ state: "visible" })
      await shot("02-what-if-tier.png")
      await form.getByRole("button", { name: "Cancel" }).click()
      await form.waitFor({ state: "detached", timeout: 30000 })
      const tiersAfter = (await request("GET", `${BASE}/admin/loyalty/tiers`, { headers: auth })).json.tiers
      const after = tiersAfter.find((t) => t.id === top.id)
      assert(Number(after.earn_multiplier) === Number(top.earn_multiplier), `${top.name}'s multiplier is now ${after.earn_multiplier}`)
      return `${top.name} × ${top.earn_multiplier} → × ${multiplier}: ${w.current.issued} → ${w.proposed.issued} points; canceled, unchanged`
    })

    await check("Settings → Loyalty → Campaigns: a new ×3 campaign, previewed in its form, then canceled", async () => {
      const listCampaigns = async () => {
        const res = await request("GET", `${BASE}/admin/loyalty/campaigns`, { headers: auth })
        assert(res.status === 200, `GET /admin/loyalty/campaigns: status ${res.status}`)
        return res.json.campaigns
      }
      const campaignsBefore = await listCampaigns()
      const name = `What-if ×3 ${Date.now()}`
      await page.goto(`${BASE}/app/settings/loyalty/campaigns`)
      await page.locator('[data-testid="loyalty-campaign-create"]').click()
      await page.locator('[data-testid="loyalty-campaign-name"]').fill(name)
      await page.locator('[data-testid="loyalty-campaign-value"]').fill("3")
      const panel = page.locator('[data-testid="loyalty-campaign-what-if"]')
      const asked = page.waitForResponse(
        (res) => res.request().method() === "POST" && /\/admin\/loyalty\/what-if\/?$/.test(new URL(res.url()).pathname),
        { timeout: 120000 }
      )
      await panel.locator('[data-testid="what-if-preview"]').click()
      const res = await asked
      const body = await res.json().catch(() => undefined)
      assert(res.status() === 200, `POST /admin/loyalty/what-if answered ${res.status()}: ${JSON.stringify(body)}`)
      const sent = JSON.parse(res.request().postData() || "{}")
      const proposed = (sent.campaigns || []).find((c) => c.name === name)
      assert(proposed && Number(proposed.value) === 3 && proposed.status === "live" && !proposed.id, `the request sent ${res.request().postData()}`)
      const w = body.what_if
      assert(w.orders > 0 && w.proposed.issued > w.current.issued, `a ×3 campaign proposes ${w.proposed.issued} points, now ${w.current.issued}`)
      const cell = panel.locator('[data-testid="what-if-proposed-issued"]')
      await cell.waitFor({ state: "visible" })
      const shown = (await cell.innerText()).replace(/[^\d]/g, "")
      assert(Number(shown) === w.proposed.issued, `the panel shows ${shown} proposed points, the route ${w.proposed.issued}`)
      const note = await panel.locator('[data-testid="what-if-note"]').innerText()
      assert(/as if published/.test(note), `the panel's note reads "${note}"`)
      await shot("03-what-if-campaign.png")
      await page.getByRole("button", { name: "Cancel" }).click()
      await page.locator('[data-testid="loyalty-campaign-name"]').waitFor({ state: "detached", timeout: 30000 })
      const campaignsAfter = await listCampaigns()
      assert(campaignsAfter.length === campaignsBefore.length, `${campaignsBefore.length} campaigns before, ${campaignsAfter.length} after`)
      assert(!campaignsAfter.some((c) => c.name === name), `"${name}" was saved`)
      return `×3 campaign: ${w.current.issued} → ${w.proposed.issued} points over ${w.orders} orders; canceled, ${campaignsAfter.length} campaigns as before`
    })
  } finally {
    await browser.close().catch(() => undefined)
    if (pageErrors.length) log(`page errors: ${pageErrors.join(" | ")}`)
  }
}

runChecks(main, ARTIFACTS)
