#!/usr/bin/env node
/**
 * `node demo/test-admin-insights.js`: a browser test of the admin's Loyalty
 * (insights) page against an ALREADY RUNNING demo store (it neither starts nor
 * stops it; the store's address and logins come from demo/.store/demo-info.json).
 *
 *   1. the admin logs in over the API (POST /auth/user/emailpass → token)
 *   2. POST /admin/loyalty/insights/recompute (202; a run already running is
 *      awaited instead), then GET /admin/loyalty/insights/runs/:id is polled
 *      until the run has succeeded (at most INSIGHTS_RUN_TIMEOUT_MS, 3 min)
 *   3. the segments API has customers (the data the page will show)
 *   4. the admin in headless Chromium (playwright-core + /usr/bin/chromium):
 *      logs in with the form, clicks "Loyalty" in the sidebar (→ /app/loyalty),
 *      waits for the KPI cards and the lazily loaded recharts charts, checks
 *      that chart SVGs carry data marks (bars / lines with a non-empty `d`)
 *      and that the segment table has rows with customer counts > 0, each
 *      segment with its rule as the API gives it, and that a customer row
 *      shows that customer's R/F/M scores as the API gives them
 *
 * Screenshots (full page) go to artifacts/admin-insights/. Exit code 1 on any
 * failure. Plain Node; safe to run again and again against the same store.
 */
"use strict"

const fs = require("fs")
const path = require("path")

const ROOT = path.resolve(__dirname, "..")
const ARTIFACTS = path.join(ROOT, "artifacts", "admin-insights")
const INFO_FILE = path.join(__dirname, ".store", "demo-info.json")
const RUN_TIMEOUT_MS = Number(process.env.INSIGHTS_RUN_TIMEOUT_MS || 3 * 60 * 1000)

const { CHROMIUM, launchChromium, newAdminPage, logInAdmin } = require("./lib/browser")
const { createHarness, assert, request, sleep } = require("./lib/harness")
const { started, log, results, check } = createHarness("test:admin-insights")



// ---------------------------------------------------------------------------

async function main() {
  assert(fs.existsSync(INFO_FILE), `${path.relative(ROOT, INFO_FILE)} is missing: start the demo first (npm run demo)`)
  const info = JSON.parse(fs.readFileSync(INFO_FILE, "utf8"))
  const BASE = String(info.url).replace(/\/$/, "")
  const ADMIN_URL = String((info.admin && info.admin.url) || `${BASE}/app`).replace(/\/$/, "")
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  log(`store ${BASE}, admin ${ADMIN_URL} (${info.admin.email})`)

  await check("GET /health answers 200", async () => {
    const res = await request("GET", `${BASE}/health`)
    assert(res.status === 200, `status ${res.status}: ${res.text.slice(0, 200)} (is the demo running?)`)
    return res.text.trim()
  })

  let auth
  await check("admin logs in over the API (POST /auth/user/emailpass)", async () => {
    const res = await request("POST", `${BASE}/auth/user/emailpass`, {
      body: { email: info.admin.email, password: info.admin.password },
    })
    assert(res.status === 200 && res.json && typeof res.json.token === "string", `status ${res.status}: ${res.text.slice(0, 200)}`)
    auth = { authorization: `Bearer ${res.json.token}` }
    return "token received"
  })

  let finishedRun
  await check("insights recompute (POST /admin/loyalty/insights/recompute → 202) finishes", async () => {
    const t0 = Date.now()
    let runId
    const res = await request("POST", `${BASE}/admin/loyalty/insights/recompute`, { headers: auth, body: {} })
    if (res.status === 202 || res.status === 200) {
      runId = res.json && res.json.run && res.json.run.id
      assert(runId, `no run in ${res.text.slice(0, 300)}`)
    } else {
      // 400 while another run is running: wait for that one instead
      const latest = await request("GET", `${BASE}/admin/loyalty/insights/runs/latest`, { headers: auth })
      const running = latest.json && latest.json.latest
      assert(
        running && running.status === "running",
        `recompute: status ${res.status} ${res.text.slice(0, 300)}; runs/latest: ${latest.text.slice(0, 300)}`
      )
      runId = running.id
      log(`  a run is already running (${runId}); waiting for it`)
    }
    let run
    let lastStage = ""
    while (true) {
      const r = await request("GET", `${BASE}/admin/loyalty/insights/runs/${runId}`, { headers: auth })
      assert(r.status === 200, `GET runs/${runId}: status ${r.status} ${r.text.slice(0, 300)}`)
      run = r.json && r.json.run
      assert(run, `no run in ${r.text.slice(0, 300)}`)
      const stage = `${run.status} · ${run.stage} · ${Math.round(Number(run.progress || 0) * 100)} %`
      if (stage !== lastStage) {
        log(`  run ${runId}: ${stage}`)
        lastStage = stage
      }
      if (run.status !== "running") break
      assert(Date.now() - t0 < RUN_TIMEOUT_MS, `run ${runId} still running after ${RUN_TIMEOUT_MS / 1000} s (${stage})`)
      await sleep(1000)
    }
    assert(run.status === "succeeded", `run ${runId} ended ${run.status}: ${run.error || JSON.stringify(run).slice(0, 400)}`)
    finishedRun = run
    return `run ${runId} succeeded in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${run.customers} customers, model ${run.model}`
  })

  let apiSegments
  let apiCustomers
  await check("GET /admin/loyalty/insights/segments and /kpis have data", async () => {
    const seg = await request("GET", `${BASE}/admin/loyalty/insights/segments`, { headers: auth })
    assert(seg.status === 200, `segments: status ${seg.status} ${seg.text.slice(0, 300)}`)
    apiSegments = ((seg.json && seg.json.segments && seg.json.segments.rfm) || []).filter((row) => row.segment)
    const total = apiSegments.reduce((sum, row) => sum + Number(row.customers || 0), 0)
    assert(apiSegments.length > 0 && total > 0, `no RFM segments with customers: ${seg.text.slice(0, 300)}`)
    const kpis = await request("GET", `${BASE}/admin/loyalty/insights/kpis`, { headers: auth })
    assert(kpis.status === 200, `kpis: status ${kpis.status} ${kpis.text.slice(0, 300)}`)
    const rows = (kpis.json && kpis.json.kpis) || []
    assert(rows.length > 0, `no KPI rows: ${kpis.text.slice(0, 300)}`)
    const months = new Set(rows.map((row) => row.month))
    const customers = await request("GET", `${BASE}/admin/loyalty/insights/customers?limit=50`, { headers: auth })
    assert(customers.status === 200, `customers: status ${customers.status} ${customers.text.slice(0, 300)}`)
    apiCustomers = (customers.json && customers.json.customers) || []
    assert(apiCustomers.length > 0, `no customers: ${customers.text.slice(0, 300)}`)
    return `${apiSegments.length} RFM segments, ${total} customers; ${rows.length} KPI rows over ${months.size} months`
  })

  await check("admin in Chromium: Loyalty page shows KPI cards, charts with data, the segment table with each rule, a customer's R/F/M", () =>
    loyaltyPageInBrowser({ ADMIN_URL, info, finishedRun, apiSegments, apiCustomers })
  )
}

async function loyaltyPageInBrowser({ ADMIN_URL, info, apiSegments, apiCustomers }) {
  assert(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing (apt-get install chromium, or set CHROMIUM_PATH)`)
  const browser = await launchChromium()
  const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true })
  let page
  const pageErrors = []
  try {
    ;({ page } = await newAdminPage(browser, { pageErrors }))

    const how = await logInAdmin(page, {
      base: ADMIN_URL.replace(/\/app$/, ""),
      admin: info.admin,
      onForm: (p) => shot(p, "01-login.png"),
    })
    await page.waitForLoadState("networkidle", { timeout: 20000 }).catch(() => undefined)
    await shot(page, "02-after-login.png")

    // the route's sidebar entry (defineRouteConfig label "Loyalty")
    const navLink = page.locator('nav a[href$="/loyalty"], aside a[href$="/loyalty"]').filter({ hasText: /^\s*Loyalty\s*$/ })
    const link = (await navLink.count()) ? navLink.first() : page.getByRole("link", { name: "Loyalty", exact: true }).first()
    await link.waitFor({ state: "visible", timeout: 30000 })
    await link.click()
    await page.waitForURL((url) => url.pathname.replace(/\/$/, "") === "/app/loyalty", { timeout: 30000 })
    const pathname = new URL(page.url()).pathname
    assert(pathname.replace(/\/$/, "") === "/app/loyalty", `after clicking "Loyalty" the URL is ${page.url()}`)

    await page.locator('[data-testid="loyalty-page"]').waitFor({ state: "visible" })
    // KPI cards, filled from the finished run (the "Members" card is > 0)
    await page.locator('[data-testid="loyalty-kpi-cards"]').waitFor({ state: "visible" })
    await page.waitForFunction(
      () => !/^No insights yet/.test((document.querySelector('[data-testid="loyalty-run-info"]') || {}).textContent || "No insights yet"),
      null,
      { timeout: 30000 }
    )
    const runInfo = (await page.locator('[data-testid="loyalty-run-info"]').innerText()).trim()
    const cardCount = await page.locator('[data-testid^="loyalty-kpi-"][data-testid$="-value"]').count()
    assert(cardCount >= 4, `only ${cardCount} KPI card values on the page`)
    const members = (await page.locator('[data-testid="loyalty-kpi-members-value"]').innerText()).trim()

    // charts: recharts is a lazy chunk; wait for it and for data marks
    await page.locator('[data-testid="loyalty-charts"]').waitFor({ state: "visible", timeout: 60000 })
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="loyalty-charts"] .recharts-surface')].some((svg) =>
          [...svg.querySelectorAll(".recharts-bar-rectangle path, .recharts-rectangle, .recharts-line-curve, .recharts-area-area")].some(
            (el) => (el.getAttribute("d") || "").trim().length > 0
          )
        ),
      null,
      { timeout: 60000 }
    )
    // recharts animates bars in; give the animation time before measuring / shooting
    await page.waitForTimeout(2000)
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid^="loyalty-chart-"]')].map((card) => {
        // recharts 3 renders each legend icon as a small .recharts-surface too: take the chart's own (largest) one
        const svg = [...card.querySelectorAll(".recharts-surface")]
          .map((el) => ({ el, box: el.getBoundingClientRect() }))
          .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)
          .map(({ el }) => el)[0]
        const nonEmpty = (selector) =>
          svg ? [...svg.querySelectorAll(selector)].filter((el) => (el.getAttribute("d") || "").trim().length > 0) : []
        const bars = nonEmpty(".recharts-bar-rectangle path, path.recharts-rectangle").filter((el) => {
          const box = el.getBBox()
          return box.width > 0 && box.height > 0
        })
        const lines = nonEmpty(".recharts-line-curve")
        const areas = nonEmpty(".recharts-area-area")
        const rect = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 }
        return {
          id: card.getAttribute("data-testid"),
          svg: !!svg,
          width: Math.round(rect.width),
          height: Math.round(rect.height),
          bars: bars.length,
          lines: lines.length,
          areas: areas.length,
        }
      })
    )
    await shot(page, "03-loyalty-page.png")
    const withData = charts.filter((c) => c.svg && c.width > 0 && c.height > 0 && c.bars + c.lines + c.areas > 0)
    const summary = charts.map((c) => `${c.id.replace("loyalty-chart-", "")}: ${c.bars} bars/${c.lines} lines`).join(", ")
    assert(charts.length > 0, "no chart cards ([data-testid^=loyalty-chart-]) on the page")
    assert(withData.length > 0, `no chart SVG has data marks: ${JSON.stringify(charts)}`)
    const monthCharts = withData.filter((c) => c.id !== "loyalty-chart-segments")
    assert(monthCharts.length > 0, `no month-based chart (revenue, points, activity) has data marks: ${JSON.stringify(charts)}`)
    const segmentChart = charts.find((c) => c.id === "loyalty-chart-segments")
    assert(segmentChart && segmentChart.bars > 0, `the "Customers by segment" chart has no bars: ${JSON.stringify(segmentChart)}`)

    // segment table: rows with customer counts > 0, matching the API
    const table = page.locator('[data-testid="loyalty-segment-table"]')
    await table.scrollIntoViewIfNeeded()
    await page.locator('[data-testid="loyalty-segment-table"] tbody tr').first().waitFor({ state: "visible", timeout: 30000 })
    const rows = await page.locator('[data-testid="loyalty-segment-table"] tbody tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const cells = [...tr.querySelectorAll("td")].map((td) => td.textContent.trim())
        const rule = tr.querySelector('[data-testid="loyalty-segment-rule"]')
        return {
          segment: tr.querySelector("[data-segment]").getAttribute("data-segment"),
          label: cells[0],
          customers: Number((cells[1] || "").replace(/[^\d]/g, "")),
          rule: rule ? rule.textContent.trim() : null,
        }
      })
    )
    const counted = rows.filter((row) => row.segment && row.customers > 0)
    assert(counted.length > 0, `no segment row with customers > 0: ${JSON.stringify(rows)}`)
    for (const api of apiSegments) {
      const shown = rows.find((row) => row.segment === api.segment)
      assert(shown, `segment ${api.segment} from the API is not in the table: ${JSON.stringify(rows)}`)
      assert(shown.customers === Number(api.customers), `segment ${api.segment}: table shows ${shown.customers}, API says ${api.customers}`)
      assert(api.rule && shown.rule === api.rule, `segment ${api.segment}: the table shows the rule ${JSON.stringify(shown.rule)}, the API ${JSON.stringify(api.rule)}`)
    }

    // a customer row shows the label's R/F/M scores, as the API has them for that customer
    const customerRow = page.locator('[data-testid="loyalty-customer-table"] tbody tr').first()
    await customerRow.scrollIntoViewIfNeeded()
    await customerRow.waitFor({ state: "visible", timeout: 30000 })
    const shownCustomer = {
      href: await customerRow.locator("a").first().getAttribute("href"),
      rfm: (await customerRow.locator('[data-testid="loyalty-customer-rfm"]').innerText()).replace(/^[\s·]+/, "").trim(),
    }
    const customerId = String(shownCustomer.href || "").split("/").pop()
    const listed = apiCustomers.find((c) => c.customer_id === customerId)
    assert(listed, `the first customer row (${shownCustomer.href}) is not among the API's first customers`)
    const expectedRfm = `R${listed.r_score} F${listed.f_score} M${listed.m_score}`
    assert(shownCustomer.rfm === expectedRfm, `customer ${customerId}: the row shows "${shownCustomer.rfm}", the API ${expectedRfm}`)
    await customerRow.screenshot({ path: path.join(ARTIFACTS, "06-customer-rfm.png") }).catch(() => undefined)
    await table.screenshot({ path: path.join(ARTIFACTS, "04-segment-table.png") }).catch(() => undefined)
    const chartsBox = page.locator('[data-testid="loyalty-charts"]')
    await chartsBox.screenshot({ path: path.join(ARTIFACTS, "05-charts.png") }).catch(() => undefined)

    return (
      `logged in with ${how}; URL ${pathname}; "${runInfo}"; ${cardCount} KPI cards (members ${members}); ` +
      `${withData.length}/${charts.length} charts with data (${summary}); ` +
      `segment table: ${counted.map((row) => `${row.label} ${row.customers}`).join(", ")}; ` +
      `rules shown for ${rows.filter((row) => row.rule).length} segments; customer ${customerId} shows ${shownCustomer.rfm}` +
      (pageErrors.length ? `; page errors: ${pageErrors.join(" | ")}` : "")
    )
  } catch (error) {
    if (page) await shot(page, "99-failure.png").catch(() => undefined)
    throw error
  } finally {
    await browser.close()
  }
}

main()
  .then(() => {
    log(`all ${results.length} checks passed; screenshots in ${path.relative(ROOT, ARTIFACTS)}/`)
    process.exit(0)
  })
  .catch((error) => {
    if (!results.some((r) => !r.ok)) log(`FAIL ${error && error.stack ? error.stack : error}`)
    const failed = results.filter((r) => !r.ok).length
    log(`FAILED (${failed || 1} failing check${failed > 1 ? "s" : ""}); screenshots in ${path.relative(ROOT, ARTIFACTS)}/`)
    process.exit(1)
  })
