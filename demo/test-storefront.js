#!/usr/bin/env node
/**
 * Browser test of the demo storefront (demo/storefront) against a RUNNING demo
 * store (`npm run demo` in another terminal; it writes demo/.store/demo-info.json).
 *
 *   node demo/test-storefront.js
 *
 * It starts the storefront with startStorefront() (building it when needed) on
 * a free port, and in headless Debian Chromium (playwright-core):
 *
 *   1. logs the seeded shopper in and reads the balance the page shows;
 *   2. adds a product and sees "This order earns N points";
 *   3. tries an off-step amount of points and sees the server's 400 message,
 *      then applies a valid amount: the cart total drops by exactly its value
 *      and the points to earn go down (nothing is earned on the part paid with points);
 *   4. places the order (address, shipping, payment session created after the points);
 *   5. on the confirmation: the balance dropped by the applied points, the order's
 *      ledger entries are there, and the points earned equal the promise and the
 *      formula on the money part (checked against the order over the API).
 *
 * The shopper's points are spent by every run: when fewer are left than the test
 * needs, it grants some first with the admin API (an "adjust" ledger entry).
 * Screenshots: artifacts/storefront/. Exit code 1 on any failure.
 *
 * Environment: DEMO_INFO (path of demo-info.json), STOREFRONT_TEST_PORT (default:
 * a free port), STOREFRONT_TEST_PROXY=0 (the browser calls the store directly,
 * which needs CORS for the origin: use port 8000), CHROMIUM_PATH (default /usr/bin/chromium).
 */
"use strict"

const fs = require("fs")
const path = require("path")
const { startStorefront } = require("./storefront/serve")

const ROOT = path.resolve(__dirname, "..")
const ARTIFACTS = path.join(ROOT, "artifacts", "storefront")
const INFO_FILE = process.env.DEMO_INFO || path.join(__dirname, ".store", "demo-info.json")
const { CHROMIUM, launchChromium } = require("./lib/browser")
const PORT = Number(process.env.STOREFRONT_TEST_PORT || 0)
/** STOREFRONT_TEST_PROXY=0: the browser calls the store directly (needs CORS for the origin, e.g. port 8000) */
const PROXY = process.env.STOREFRONT_TEST_PROXY !== "0"

const { assert, request } = require("./lib/harness")

const started = Date.now()
const log = (message) => process.stdout.write(`[test:storefront +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`)


const results = []
async function check(name, fn) {
  const t = Date.now()
  try {
    const detail = await fn()
    results.push({ name, ok: true })
    log(`PASS ${name}${detail ? `: ${detail}` : ""} (${Date.now() - t} ms)`)
    return detail
  } catch (error) {
    results.push({ name, ok: false })
    log(`FAIL ${name}: ${error && error.message ? error.message : error}`)
    throw error
  }
}


/** The demo's store API, as the shopper (and the admin for a top-up). */
function storeApi(info) {
  let shopperToken = null
  const call = async (method, urlPath, body, token = shopperToken) => {
    const res = await request(method, `${info.url}${urlPath}`, {
      body,
      headers: {
        "x-publishable-api-key": info.publishableKey,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    })
    assert(res.status < 300, `${method} ${urlPath}: ${res.status} ${res.text.slice(0, 300)}`)
    return res.json
  }
  return {
    async loginShopper() {
      const res = await call("POST", "/auth/customer/emailpass", { email: info.shopper.email, password: info.shopper.password }, null)
      shopperToken = res.token
    },
    account: async () => (await call("GET", "/store/loyalty/account")).account,
    program: async () => (await call("GET", "/store/loyalty/program")).program,
    entries: async (limit = 50) => (await call("GET", `/store/loyalty/account/entries?limit=${limit}`)).entries,
    order: async (id) =>
      (await call("GET", `/store/orders/${id}?fields=${encodeURIComponent("id,total,currency_code,*items,*credit_lines")}`)).order,
    async grantPoints(points, reason) {
      const login = await call("POST", "/auth/user/emailpass", { email: info.admin.email, password: info.admin.password }, null)
      return call("POST", `/admin/loyalty/accounts/${info.shopper.customerId}/adjustments`, { points, reason }, login.token)
    },
    /** The shopper's preferences as staff see them; `changes` first when given (staff may clear a birthday). */
    async adminPreferences(changes) {
      const login = await call("POST", "/auth/user/emailpass", { email: info.admin.email, password: info.admin.password }, null)
      const route = `/admin/loyalty/accounts/${info.shopper.customerId}/preferences`
      return (await (changes ? call("POST", route, changes, login.token) : call("GET", route, undefined, login.token))).preferences
    },
  }
}

function readInfo() {
  let info
  try {
    info = JSON.parse(fs.readFileSync(INFO_FILE, "utf8"))
  } catch (error) {
    throw new Error(
      `cannot read ${path.relative(process.cwd(), INFO_FILE)} (${error.code || error.message}): start the demo first (npm run demo), ` +
        "or point DEMO_INFO at its demo-info.json"
    )
  }
  for (const key of ["url", "publishableKey"]) assert(info[key], `${INFO_FILE} has no ${key}`)
  assert(info.shopper && info.shopper.email && info.shopper.password, `${INFO_FILE} has no shopper login`)
  return info
}

const round2 = (n) => Math.round(n * 100) / 100

// ---------------------------------------------------------------------------

let storefront = null
let browser = null
let currentPage = null

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  let info
  await check("the demo store answers (demo-info.json, /health)", async () => {
    info = readInfo()
    const res = await request("GET", `${info.url}/health`).catch((error) => ({ status: 0, text: error.message }))
    assert(res.status === 200, `${info.url}/health: status ${res.status} ${res.text}: is \`npm run demo\` running?`)
    return info.url
  })
  const api = storeApi(info)

  await api.loginShopper()
  const program = await api.program()
  const minPoints = program.min_redeem_points
  const step = Math.max(1, program.redeem_step)
  // one step above the minimum, so the test also shows that steps are accepted
  const toApply = minPoints + step
  let account = await api.account()
  if (account.balance < toApply) {
    const grant = 2000
    await api.grantPoints(grant, "Storefront browser test: points to spend (demo/test-storefront.js)")
    log(`the shopper had ${account.balance} points, fewer than the ${toApply} this test spends: granted ${grant} (admin adjustment)`)
    account = await api.account()
  }

  await check("the storefront builds and starts (startStorefront)", async () => {
    const sf = (storefront = await startStorefront({
      port: PORT,
      backendUrl: info.url,
      publishableKey: info.publishableKey,
      proxy: PROXY,
      log: (line) => log(line),
    }))
    const config = await request("GET", `${sf.url}/config.json`)
    assert(config.status === 200 && config.json && config.json.publishableKey === info.publishableKey, `/config.json: ${config.text}`)
    if (PROXY) {
      const proxied = await request("GET", `${sf.url}/store/loyalty/program`, { headers: { "x-publishable-api-key": info.publishableKey } })
      assert(proxied.status === 200, `GET /store/loyalty/program through the storefront's proxy: ${proxied.status}`)
    }
    const spa = await request("GET", `${sf.url}/some/deep/link`)
    assert(spa.status === 200 && /<div id="root">/.test(spa.text), "the SPA fallback does not answer index.html")
    return `${sf.url} (dist ${sf.built}); /config.json${PROXY ? ", the /store proxy" : ""} and the SPA fallback answer`
  })

  assert(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing (apt-get install chromium)`)
  browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = (currentPage = await context.newPage())
  page.setDefaultTimeout(30000)
  const pageErrors = []
  page.on("pageerror", (error) => pageErrors.push(String(error)))
  page.on("console", (msg) => {
    // expected: 401 from the "still logged in?" probe before login, 400 from the off-step amount
    if (msg.type() === "error" && !/status of (401|400)\b/.test(msg.text())) pageErrors.push(`console: ${msg.text()}`)
  })
  /** the store API calls the page makes, in order ("POST /store/carts/…/loyalty/points") */
  const calls = []
  page.on("request", (req) => {
    const { pathname } = new URL(req.url())
    if (req.method() === "OPTIONS") return // CORS preflights (STOREFRONT_TEST_PROXY=0)
    if (/^\/(store|auth)\//.test(pathname)) calls.push(`${req.method()} ${pathname}`)
  })
  const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true })
  const byTestId = (id) => page.locator(`[data-testid="${id}"]`)
  const attr = async (locator, name) => (await locator.getAttribute(name)) ?? ""
  /** waits until fn() returns a truthy value (polling), or fails with `what` */
  const waitFor = async (what, fn, timeout = 30000) => {
    const deadline = Date.now() + timeout
    for (;;) {
      const value = await fn().catch(() => undefined)
      if (value) return value
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await page.waitForTimeout(200)
    }
  }
  const headerBalance = page.locator('header [data-testid="loyalty-balance"]')

  let balanceBefore
  let knownEntries = new Set()
  await check("the shopper logs in and sees the balance", async () => {
    await page.goto(storefront.url)
    await byTestId("login-email").fill(info.shopper.email)
    await byTestId("login-password").fill(info.shopper.password)
    await shot("01-login")
    await byTestId("login-submit").click()
    await headerBalance.waitFor()
    balanceBefore = Number(await attr(headerBalance, "data-points"))
    assert(balanceBefore === account.balance, `the page shows ${balanceBefore} points, the API says ${account.balance}`)
    // entries from here on explain any change besides the order's (a release by the scheduled job, say)
    knownEntries = new Set((await api.entries(50)).map((e) => e.id))
    await byTestId("loyalty-entry").first().waitFor()
    await shot("02-shop")
    return `${balanceBefore} points ("${(await headerBalance.innerText()).trim()}")`
  })

  await check("the shopper sets a birthday in their preferences, and staff see it (member care)", async () => {
    // start from no birthday (a birthday is set once by the shopper; staff may clear it)
    await api.adminPreferences({ birthday: null })
    await page.reload()
    await headerBalance.waitFor()
    const field = page.getByLabel("Birthday")
    await field.waitFor()
    const birthday = "07-14"
    await field.fill(birthday)
    await page.getByRole("button", { name: "Save birthday" }).click()
    const shown = byTestId("loyalty-birthday")
    await shown.waitFor()
    assert((await attr(shown, "data-birthday")) === birthday, `the page shows ${await attr(shown, "data-birthday")}`)
    const seen = await api.adminPreferences()
    assert(seen.birthday === birthday, `the admin route says ${JSON.stringify(seen)}`)
    await shot("02b-preferences")
    return `set ${birthday} in the storefront; GET /admin/loyalty/accounts/:id/preferences says ${seen.birthday}`
  })

  let earnBefore
  let totalBefore
  let handle
  await check("adding a product shows the points this order earns", async () => {
    const add = page.locator('[data-testid^="product-add-"]:not([disabled])').first()
    await add.waitFor()
    handle = (await attr(add, "data-testid")).replace("product-add-", "")
    await add.click()
    await byTestId("cart-item").first().waitFor()
    const earn = byTestId("points-to-earn")
    await earn.waitFor()
    earnBefore = await waitFor("points to earn > 0", async () => Number(await attr(earn, "data-points")) || undefined)
    totalBefore = Number(await attr(byTestId("cart-total"), "data-total"))
    const text = (await earn.innerText()).replace(/\s+/g, " ").trim()
    assert(new RegExp(`earns ${earnBefore.toLocaleString("en-US")} points`).test(text), `"${text}"`)
    return `${handle}: cart total ${totalBefore}; "${text}"`
  })

  let applied
  let pointValue
  await check("RedeemPoints: an off-step amount shows the server's 400; a valid one lowers the total by its value", async () => {
    const offer = byTestId("redeem-offer")
    await offer.waitFor().catch(async () => {
      const why = (await byTestId("redeem-unavailable").innerText().catch(() => "")) || "no offer shown"
      throw new Error(`points cannot be redeemed on this cart: ${why}`)
    })
    const offerText = (await offer.innerText()).replace(/\s+/g, " ").trim()
    const maxPoints = Number(await attr(offer, "data-max-points"))
    await byTestId("redeem-max").click()
    assert(Number(await byTestId("redeem-input").inputValue()) === maxPoints, "Max did not fill in the maximum")
    applied = Math.min(toApply, maxPoints)
    assert(applied >= minPoints, `this cart allows at most ${maxPoints} points, below the minimum ${minPoints}`)

    let rejected = "(step is 1: skipped)"
    if (step > 1) {
      await byTestId("redeem-input").fill(String(applied - Math.floor(step / 2)))
      await byTestId("redeem-apply").click()
      const error = byTestId("redeem-error")
      await error.waitFor()
      rejected = (await error.innerText()).trim()
      assert(/step/i.test(rejected), `unexpected message for an off-step amount: "${rejected}"`)
      await shot("03-redeem-error")
    }

    await byTestId("redeem-input").fill(String(applied))
    await byTestId("redeem-apply").click()
    const appliedBox = byTestId("redeem-applied")
    await waitFor(`${applied} points applied`, async () => Number(await attr(appliedBox, "data-points")) === applied)
    pointValue = round2(Number(await attr(appliedBox, "data-value")))
    const currency = program.currencies.find((c) => c.point_value) || {}
    const expectedValue = round2(applied * (currency.point_value || 0.01))
    assert(pointValue === expectedValue, `applied value ${pointValue}, expected ${expectedValue}`)
    const total = await waitFor("the cart total to drop", async () => {
      const t = Number(await attr(byTestId("cart-total"), "data-total"))
      return t !== totalBefore ? t : undefined
    })
    assert(round2(totalBefore - total) === pointValue, `cart total ${totalBefore} → ${total}, expected −${pointValue}`)
    const earnAfter = await waitFor("points to earn to update", async () => {
      const n = Number(await attr(byTestId("points-to-earn"), "data-points"))
      return n !== earnBefore ? n : undefined
    })
    assert(earnAfter < earnBefore, `points to earn went ${earnBefore} → ${earnAfter}`)
    assert((await byTestId("redeem-problems").count()) === 0, "the preview says the applied points do not fit")
    await shot("04-cart-points-applied")
    return `"${offerText}"; off-step → "${rejected}"; applied ${applied} points = −${pointValue}: total ${totalBefore} → ${total}, earns ${earnBefore} → ${earnAfter}`
  })

  let orderId
  await check("checkout completes the order", async () => {
    await byTestId("checkout-submit").click()
    const confirmation = byTestId("order-confirmation")
    await Promise.race([
      confirmation.waitFor({ timeout: 90000 }),
      byTestId("checkout-error")
        .waitFor({ timeout: 90000 })
        .then(async () => {
          throw new Error(`checkout failed: ${(await byTestId("checkout-error").innerText()).trim()}`)
        }),
    ])
    orderId = await attr(confirmation, "data-order-id")
    assert(/^order_/.test(orderId), `no order id on the confirmation (${orderId})`)
    // points first, then the payment session, then completion (and no points change in between)
    const index = (re, from = 0) => calls.findIndex((c, i) => i >= from && re.test(c))
    const lastPoints = calls.map((c) => /^(POST|DELETE) \/store\/carts\/[^/]+\/loyalty\/points$/.test(c)).lastIndexOf(true)
    const session = index(/^POST \/store\/payment-collections\/[^/]+\/payment-sessions$/)
    const complete = index(/^POST \/store\/carts\/[^/]+\/complete$/)
    assert(lastPoints >= 0 && session > lastPoints && complete > session, `unexpected order of calls:\n  ${calls.join("\n  ")}`)
    const sequence = calls.slice(lastPoints, complete + 1).map((c) => c.replace(/\/(cart|pay_col|order)_[A-Z0-9]+/g, "/:id"))
    return `${orderId}; calls: ${sequence.join(" → ")}`
  })

  await check("the confirmation shows the balance down by the applied points, the entries and the points earned", async () => {
    const earned = byTestId("order-points-earned")
    const earnedPoints = await waitFor(
      "the order's earned points to be posted",
      async () => Number(await attr(earned, "data-points")) || undefined,
      40000
    )
    const promised = Number(await attr(earned, "data-promised"))
    const balanceAfter = await waitFor("the balance to change", async () => {
      const b = Number(await attr(headerBalance, "data-points"))
      return b !== balanceBefore ? b : undefined
    })
    await byTestId("loyalty-history").waitFor()
    await page.locator(`[data-testid="loyalty-entry"][data-order-id="${orderId}"][data-type="redeem"]`).waitFor()
    await shot("05-order-confirmation")
    const earnedText = (await earned.innerText()).replace(/\s+/g, " ").trim()
    const paidText = (await byTestId("order-points-paid").innerText()).replace(/\s+/g, " ").trim()

    // the ledger over the API: the redeem entry, and anything else posted meanwhile (a release by the job, say)
    const entries = (await api.entries(50)).filter((e) => !knownEntries.has(e.id))
    const redeem = entries.find((e) => e.order_id === orderId && e.type === "redeem")
    assert(redeem && redeem.balance_change === -applied, `redeem entry for ${orderId}: ${JSON.stringify(redeem)}`)
    const other = entries.filter((e) => e !== redeem).reduce((sum, e) => sum + e.balance_change, 0)
    assert(
      balanceAfter === balanceBefore - applied + other,
      `balance ${balanceBefore} → ${balanceAfter}, expected −${applied}${other ? ` and ${other} from other entries` : ""}`
    )
    const apiBalance = (await api.account()).balance
    assert(apiBalance === balanceAfter, `the page shows ${balanceAfter}, the API ${apiBalance}`)

    // the points earned: promise = award = formula on the part paid with money
    const earnEntry = entries.find((e) => e.order_id === orderId && (e.type === "pending" || e.type === "earn"))
    assert(earnEntry, `no earn entry for ${orderId}`)
    const awarded = earnEntry.pending_change + earnEntry.balance_change
    assert(earnedPoints === awarded, `the page shows ${earnedPoints} earned, the ledger ${awarded}`)
    assert(promised === awarded, `the cart promised ${promised} points, the order was awarded ${awarded}`)
    const order = await api.order(orderId)
    const itemsNet = (order.items || []).reduce((s, i) => s + Number(i.subtotal) - Number(i.discount_subtotal || 0), 0)
    const paidWithPoints = (order.credit_lines || [])
      .filter((l) => l.reference === "loyalty-points")
      .reduce((s, l) => s + Number(l.amount), 0)
    assert(round2(paidWithPoints) === pointValue, `order credit line ${paidWithPoints}, expected ${pointValue}`)
    const rate = (program.currencies.find((c) => c.currency_code === order.currency_code) || {}).earn_rate || 0
    const total = Number(order.total)
    // the seeded shopper is in a tier (Silver ×1.25, Gold ×1.5): the award says which multiplier it used
    const multiplier = Number((earnEntry.details && earnEntry.details.multiplier) || 1)
    const tierName = earnEntry.details && earnEntry.details.tier_name
    assert(
      multiplier === 1 || (tierName && earnEntry.reason.includes(`× ${multiplier} (${tierName})`)),
      `the award used ×${multiplier} but its reason does not name the tier: "${earnEntry.reason}"`
    )
    const expected = Math.floor(itemsNet * (total / (total + paidWithPoints)) * rate * multiplier + 1e-9)
    const withoutPoints = Math.floor(itemsNet * rate * multiplier + 1e-9)
    assert(awarded === expected, `awarded ${awarded}, the formula on the money part gives ${expected}${multiplier !== 1 ? ` (× ${multiplier}, ${tierName})` : ""}`)
    assert(awarded < withoutPoints, `awarded ${awarded} is not below the ${withoutPoints} earned without points`)
    return (
      `balance ${balanceBefore} → ${balanceAfter} (−${applied}${other ? `, ${other} other` : ""}); "${paidText}"; ` +
      `"${earnedText}" (items ${round2(itemsNet)}, paid ${total} + ${paidWithPoints} in points: ` +
      `floor(${round2(itemsNet)} × ${total}/${round2(total + paidWithPoints)} × ${rate}) = ${expected}, ${withoutPoints} without points)`
    )
  })

  if (pageErrors.length) log(`note: the page logged errors: ${pageErrors.slice(0, 5).join(" | ")}`)
}

let exitCode = 0
main()
  .catch((error) => {
    exitCode = 1
    if (!results.some((r) => !r.ok)) log(`FAIL ${error && error.stack ? error.stack : error}`)
  })
  .then(async () => {
    if (exitCode && currentPage) {
      await currentPage.screenshot({ path: path.join(ARTIFACTS, "99-failure.png"), fullPage: true }).catch(() => undefined)
    }
    if (browser) await browser.close().catch(() => undefined)
    if (storefront) await storefront.stop().catch(() => undefined)
    const failed = results.filter((r) => !r.ok).length
    log(
      exitCode === 0
        ? `all ${results.length} checks passed; screenshots in ${path.relative(ROOT, ARTIFACTS)}/`
        : `FAILED (${failed || 1} failing check${failed > 1 ? "s" : ""}); screenshots in ${path.relative(ROOT, ARTIFACTS)}/`
    )
    process.exit(exitCode)
  })

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    log(`${signal}: stopping`)
    if (browser) await browser.close().catch(() => undefined)
    if (storefront) await storefront.stop().catch(() => undefined)
    process.exit(1)
  })
}
