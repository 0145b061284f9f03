#!/usr/bin/env node
/**
 * `node demo/test-admin-liability.js`: a browser test of the admin's points
 * liability page against an ALREADY RUNNING demo store (its address, logins
 * and database come from demo/.store/demo-info.json).
 *
 *   1. the admin logs in over the API; GET /admin/loyalty/liability, whose
 *      available and pending points are checked against the demo's database
 *      (sums of the accounts' balances) and whose money is points × the point
 *      value of each currency
 *   2. in headless Chromium: logs in with the form, opens Loyalty, clicks
 *      "Points liability" (→ /app/loyalty/liability), and finds the API's
 *      figures on the cards and in the per-currency table, a chart with data
 *      and a movement row per month
 *   3. "Liability CSV" downloads a CSV whose lines are the API's currencies;
 *      Export → "Accounts with balances" downloads one line per open account,
 *      whose balances add up to the available points
 *
 * Screenshots go to artifacts/admin-liability/. Exit code 1 on any failure.
 */
"use strict"

const fs = require("fs")
const path = require("path")
const { parse } = require("csv-parse/sync")

const ROOT = path.resolve(__dirname, "..")
const ARTIFACTS = path.join(ROOT, "artifacts", "admin-liability")
const INFO_FILE = path.join(__dirname, ".store", "demo-info.json")

const { CHROMIUM, launchChromium, newAdminPage, logInAdmin } = require("./lib/browser")
const { createHarness, assert, request } = require("./lib/harness")
const { log, results, check } = createHarness("test:admin-liability")

const digits = (text) => String(text).replace(/[^\d]/g, "")

async function fromDatabase(info, sql) {
  const { Client } = require("pg")
  const client = new Client({ connectionString: info.databaseUrl })
  await client.connect()
  try {
    return (await client.query(sql)).rows[0]
  } finally {
    await client.end()
  }
}

async function main() {
  assert(fs.existsSync(INFO_FILE), `${path.relative(ROOT, INFO_FILE)} is missing: start the demo first (npm run demo)`)
  const info = JSON.parse(fs.readFileSync(INFO_FILE, "utf8"))
  const BASE = String(info.url).replace(/\/$/, "")
  fs.mkdirSync(ARTIFACTS, { recursive: true })

  let auth
  await check("admin logs in over the API", async () => {
    const res = await request("POST", `${BASE}/auth/user/emailpass`, { body: { email: info.admin.email, password: info.admin.password } })
    assert(res.status === 200 && res.json && res.json.token, `status ${res.status}: ${res.text.slice(0, 200)}`)
    auth = { authorization: `Bearer ${res.json.token}` }
  })

  let report
  let accounts
  await check("GET /admin/loyalty/liability matches the ledger in the database", async () => {
    const res = await request("GET", `${BASE}/admin/loyalty/liability`, { headers: auth })
    assert(res.status === 200, `status ${res.status}: ${res.text.slice(0, 200)}`)
    report = res.json.liability
    accounts = await fromDatabase(
      info,
      `SELECT coalesce(sum(balance), 0)::int AS available, coalesce(sum(pending), 0)::int AS pending, count(*)::int AS n
         FROM loyalty_account WHERE deleted_at IS NULL`
    )
    const { points, currencies, breakage } = report
    assert(points.available === accounts.available, `available ${points.available}, the accounts hold ${accounts.available}`)
    assert(points.pending === accounts.pending, `pending ${points.pending}, the accounts hold ${accounts.pending}`)
    assert(points.outstanding === points.available + points.pending, `outstanding ${points.outstanding} ≠ available + pending`)
    assert(points.available > 0 && currencies.length > 0, `an empty report on a seeded store: ${JSON.stringify(points)}`)
    for (const c of currencies) {
      const cents = (n) => Math.round(n * Number(c.point_value) * 100)
      assert(Math.round(Number(c.outstanding) * 100) === cents(points.outstanding), `${c.currency_code}: outstanding ${c.outstanding}`)
      assert(Math.round(Number(c.expected_breakage) * 100) === cents(breakage.expected_points), `${c.currency_code}: breakage ${c.expected_breakage}`)
    }
    return `${points.available} available, ${points.pending} pending, breakage rate ${breakage.rate} (${breakage.cohort_lots} settled lots), ${currencies
      .map((c) => `${c.outstanding} ${c.currency_code}`)
      .join(", ")}`
  })

  const browser = await launchChromium()
  const pageErrors = []
  try {
    const { page } = await newAdminPage(browser, { acceptDownloads: true, pageErrors })
    const shot = (file) => page.screenshot({ path: path.join(ARTIFACTS, file), fullPage: true }).catch(() => undefined)
    const download = async (click) => {
      const [file] = await Promise.all([page.waitForEvent("download", { timeout: 30000 }), click()])
      const saved = path.join(ARTIFACTS, file.suggestedFilename())
      await file.saveAs(saved)
      return { name: file.suggestedFilename(), rows: parse(fs.readFileSync(saved, "utf8"), { columns: true }) }
    }

    await check('the Loyalty page links to the liability page ("Points liability")', async () => {
      const how = await logInAdmin(page, { base: BASE, admin: info.admin, path: "/app/loyalty" })
      await page.locator('[data-testid="loyalty-liability-link"]').click()
      await page.waitForURL((url) => /\/app\/loyalty\/liability\/?$/.test(url.pathname), { timeout: 30000 })
      return `${new URL(page.url()).pathname} (logged in with ${how})`
    })

    await check("the page shows the API's figures: cards, money per currency, a chart and a movement row per month", async () => {
      await page.locator('[data-testid="liability-cards"]').waitFor({ state: "visible" })
      for (const [id, value] of [["available", report.points.available], ["pending", report.points.pending], ["outstanding", report.points.outstanding]]) {
        const shown = await page.locator(`[data-testid="liability-${id}-value"]`).innerText()
        assert(digits(shown) === String(value), `the ${id} card shows "${shown}", the API ${value}`)
      }
      for (const c of report.currencies) {
        for (const [cell, value] of [["outstanding", c.outstanding], ["breakage", c.expected_breakage], ["deferred", c.deferred_revenue]]) {
          const shown = (await page.locator(`[data-testid="liability-${c.currency_code}-${cell}"]`).innerText()).trim()
          assert(shown === `${value} ${c.currency_code.toUpperCase()}`, `${c.currency_code} ${cell}: "${shown}", the API ${value}`)
        }
      }
      const months = await page.locator('[data-testid^="liability-month-"]').count()
      assert(months === report.months.length, `${months} movement rows, the API has ${report.months.length} months`)
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('[data-testid="liability-chart"] .recharts-bar-rectangle path, [data-testid="liability-chart"] path.recharts-rectangle, [data-testid="liability-chart"] .recharts-line-curve')].some(
            (el) => (el.getAttribute("d") || "").trim().length > 0
          ),
        null,
        { timeout: 60000 }
      )
      await page.waitForTimeout(1500) // recharts animates bars in
      await shot("01-liability-page.png")
      return `${report.currencies.length} currencies, ${months} months, chart drawn`
    })

    await check('"Liability CSV" downloads the per-currency lines the API reports', async () => {
      const csv = await download(() => page.locator('[data-testid="liability-csv"]').click())
      assert(/^loyalty-liability-\d{4}-\d{2}-\d{2}\.csv$/.test(csv.name), `file name ${csv.name}`)
      assert(csv.rows.length === report.currencies.length, `${csv.rows.length} lines, ${report.currencies.length} currencies`)
      for (const c of report.currencies) {
        const row = csv.rows.find((r) => r.currency_code === c.currency_code)
        assert(row && row.deferred_revenue === c.deferred_revenue && row.outstanding_points === String(report.points.outstanding), `${c.currency_code}: ${JSON.stringify(row)}`)
      }
      return `${csv.name}: ${csv.rows.map((r) => `${r.currency_code} deferred ${r.deferred_revenue}`).join(", ")}`
    })

    await check('Export → "Accounts with balances" downloads every open account; the balances add up', async () => {
      await page.locator('[data-testid="loyalty-export-menu"]').click()
      const csv = await download(() => page.locator('[data-testid="loyalty-export-accounts"]').click())
      const sum = csv.rows.reduce((total, r) => total + Number(r.balance), 0)
      assert(csv.rows.length === accounts.n, `${csv.rows.length} lines, ${accounts.n} open accounts in the database`)
      assert(sum === report.points.available, `balances add up to ${sum}, available is ${report.points.available}`)
      return `${csv.name}: ${csv.rows.length} accounts, ${sum} points`
    })
  } finally {
    await browser.close()
  }
  if (pageErrors.length) log(`page errors: ${pageErrors.join(" | ")}`)
}

main()
  .then(() => {
    log(`all ${results.length} checks passed; screenshots in ${path.relative(ROOT, ARTIFACTS)}/`)
    process.exit(0)
  })
  .catch((error) => {
    if (!results.some((r) => !r.ok)) log(`FAIL ${error && error.stack ? error.stack : error}`)
    log(`FAILED; screenshots in ${path.relative(ROOT, ARTIFACTS)}/`)
    process.exit(1)
  })
