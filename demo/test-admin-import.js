#!/usr/bin/env node
/**
 * `node demo/test-admin-import.js`: against an ALREADY RUNNING demo store
 * (demo/.store/demo-info.json), checks in headless Chromium that
 *
 *   "an admin uploads a member file in Settings → Loyalty → Import, reads the
 *    dry-run report, imports, and the member's balance grows by the file's points"
 *
 *   1. the admin logs in with the dashboard's login form
 *   2. Settings → Loyalty, the "Import" tab opens /app/settings/loyalty/import
 *   3. a small generic CSV (the demo shopper with 7 points, an unknown email,
 *      a bad row on line 4) is chosen and "Dry run" shows the report: 1 member,
 *      1 unknown email, bad row line 4, 7 points; the balance has not moved
 *   4. "Import" (a progress bar while it runs), then the report: 1 row credited, 7 points;
 *      the shopper's balance (admin API) is 7 higher
 *
 * The file carries a unique unknown email, so each run is a new file (its own
 * import key, which the server computes from the content). The shopper was
 * credited by the previous run's import, so the test ticks "Credit members
 * again" (without it the shopper would be skipped as imported earlier) and
 * gets 7 points per run. Screenshots:
 * artifacts/admin-import/. Exit code 1 on any failure.
 */
"use strict"

const fs = require("fs")
const path = require("path")

const ROOT = path.resolve(__dirname, "..")
const ARTIFACTS = path.join(ROOT, "artifacts", "admin-import")
const INFO_FILE = process.env.DEMO_INFO || path.join(__dirname, ".store", "demo-info.json")

const { CHROMIUM, launchChromium, newAdminPage, logInAdmin } = require("./lib/browser")
const { createHarness, assert, request } = require("./lib/harness")
const { log, check, runChecks } = createHarness("test:admin-import")

async function main() {
  assert(fs.existsSync(INFO_FILE), `${path.relative(ROOT, INFO_FILE)} is missing: is the demo store running (npm run demo)?`)
  const info = JSON.parse(fs.readFileSync(INFO_FILE, "utf8"))
  const BASE = info.url.replace(/\/+$/, "")
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  const stranger = `e2e-${Date.now()}@nowhere.test`
  const csv = ["email,points,expires_at", `${info.shopper.email},7,2030-06-30`, `${stranger},5,`, `${info.shopper.email},1.5,`, ""].join("\n")
  let auth
  const balance = async () => {
    const res = await request("GET", `${BASE}/admin/loyalty/accounts/${info.shopper.customerId}`, { headers: auth })
    assert(res.status === 200, `GET /admin/loyalty/accounts/:id: status ${res.status} ${res.text.slice(0, 200)}`)
    return res.json.account.balance
  }
  let before = 0

  await check(`the store answers and the admin API logs in (${BASE})`, async () => {
    const res = await request("POST", `${BASE}/auth/user/emailpass`, {
      body: { email: info.admin.email, password: info.admin.password },
    })
    assert(res.status === 200 && res.json && res.json.token, `POST /auth/user/emailpass: status ${res.status}`)
    auth = { authorization: `Bearer ${res.json.token}` }
    before = await balance()
    return `shopper balance ${before}`
  })

  const browser = await launchChromium()
  const pageErrors = []
  try {
    const { page } = await newAdminPage(browser, { pageErrors })
    const shot = (file) => page.screenshot({ path: path.join(ARTIFACTS, file), fullPage: true }).catch(() => undefined)
    const figure = (report, name) => page.locator(`[data-testid="${report}"] [data-testid="import-figure-${name}"]`).innerText()

    await check("admin logs in (the dashboard's form, or the session test:demo saved)", async () => {
      const how = await logInAdmin(page, { base: BASE, admin: info.admin, path: "/app/settings/loyalty" })
      return `${how}: ${new URL(page.url()).pathname}`
    })

    await check('Settings → Loyalty: the "Import" tab opens the import page', async () => {
      const nav = page.locator('[data-testid="loyalty-settings-nav"]')
      await nav.waitFor({ state: "visible" })
      await nav.getByRole("link", { name: "Import", exact: true }).click()
      await page.waitForURL((url) => /\/app\/settings\/loyalty\/import\/?$/.test(url.pathname), { timeout: 30000 })
      await page.locator('[data-testid="import-file"]').waitFor({ state: "visible" })
      return new URL(page.url()).pathname
    })

    await check("uploads the file and the dry run reports 1 member, 1 unknown email, the bad row's line, 7 points; nothing credited", async () => {
      await page.locator('[data-testid="import-file"]').setInputFiles({ name: "members.csv", mimeType: "text/csv", buffer: Buffer.from(csv) })
      // Earlier runs of this test imported the shopper: this run is a second batch on purpose.
      await page.locator('[data-testid="import-repeat-members"]').check()
      await page.locator('[data-testid="import-dry-run"]').click()
      const report = page.locator('[data-testid="import-dry-run-report"]')
      await report.waitFor({ state: "visible", timeout: 60000 })
      const status = await report.locator('[data-testid="import-status"]').innerText()
      const figures = {
        matched: await figure("import-dry-run-report", "members-matched"),
        unknown: await figure("import-dry-run-report", "unknown-emails"),
        bad: await figure("import-dry-run-report", "bad-rows"),
        points: await figure("import-dry-run-report", "points-to-credit"),
      }
      const badRows = (await report.locator('[data-testid="import-list-bad-rows"]').innerText()).replace(/\s+/g, " ")
      await shot("01-dry-run.png")
      assert(status === "done", `status ${status}`)
      assert(figures.matched === "1" && figures.unknown === "1" && figures.bad === "1", `figures ${JSON.stringify(figures)}`)
      assert(/^7\b/.test(figures.points), `points "${figures.points}"`)
      assert(/\b4\b.*not a whole number/.test(badRows), `bad rows "${badRows}"`)
      assert((await balance()) === before, "the dry run changed the balance")
      return `${JSON.stringify(figures)}; ${badRows.slice(0, 120)}`
    })

    await check("imports: the report says 1 row and 7 points credited; the shopper's balance is 7 higher", async () => {
      await page.locator('[data-testid="import-run"]').click()
      const report = page.locator('[data-testid="import-report"]')
      await report.waitFor({ state: "visible", timeout: 60000 })
      const rows = await figure("import-report", "rows-credited")
      const points = await figure("import-report", "points-credited")
      await shot("02-imported.png")
      assert(rows === "1" && /^7\b/.test(points), `rows ${rows}, points ${points}`)
      const after = await balance()
      assert(after === before + 7, `balance ${before} → ${after}`)
      return `balance ${before} → ${after}`
    })
  } finally {
    await browser.close().catch(() => undefined)
    if (pageErrors.length) log(`page errors: ${pageErrors.join(" | ")}`)
  }
}

runChecks(main, ARTIFACTS)
