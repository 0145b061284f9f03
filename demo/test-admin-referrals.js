#!/usr/bin/env node
/**
 * `node demo/test-admin-referrals.js`: a browser test of the admin's referral
 * settings (Settings → Loyalty → Referrals) against an ALREADY RUNNING demo
 * store (it neither starts nor stops it; the store's address and logins come
 * from demo/.store/demo-info.json).
 *
 * "The admin edits the referral program in the settings page and approves a
 * flagged referral."
 *
 *   1. the admin logs in over the API (POST /auth/user/emailpass → token) and
 *      makes sure the referral program is running
 *   2. a fresh customer A registers and gets a code (GET /store/loyalty/referral);
 *      customer B registers under a plus-tag of A's email and claims A's code:
 *      the claim is flagged (same email once dots and "+" tags are ignored)
 *   3. the admin in headless Chromium (playwright-core + /usr/bin/chromium):
 *      logs in with the form, opens Settings → Loyalty, clicks the Referrals
 *      tab, changes the referrer reward, saves, reloads and sees it persisted
 *   4. opens B's customer page, follows its Review link to the referral's drawer
 *      and closes it: the admin is back on B's page (not on the referrals list)
 *   5. filters the referrals list to Flagged, finds B's referral with its
 *      reason, opens Review, approves with a note; the referral becomes
 *      "claimed" (no order yet), its decision "approved", its flag cleared
 *
 * At the end the program is restored over the API (referrer reward, and
 * `enabled` if the program was off), so runs can be repeated. Screenshots go
 * to artifacts/admin-referrals/. Exit code 1 on any failure. Plain Node.
 */
"use strict"

const fs = require("fs")
const path = require("path")

const ROOT = path.resolve(__dirname, "..")
const ARTIFACTS = path.join(ROOT, "artifacts", "admin-referrals")
const INFO_FILE = path.join(__dirname, ".store", "demo-info.json")

const { CHROMIUM, launchChromium, newAdminPage, logInAdmin } = require("./lib/browser")
const { createHarness, assert, request } = require("./lib/harness")
const { started, log, results, check } = createHarness("test:admin-referrals")

const shot = (page, name) =>
  page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true }).catch(() => undefined)

/** Poll `fn` until it returns a truthy value or the time is up; returns the last value. */
async function until(fn, timeoutMs = 30000, stepMs = 250) {
  const deadline = Date.now() + timeoutMs
  let value
  while (Date.now() < deadline) {
    value = await fn()
    if (value) return value
    await new Promise((resolve) => setTimeout(resolve, stepMs))
  }
  return value
}

// ---------------------------------------------------------------------------

let BASE
let info
let auth
/** What to put back at the end: the fields this test changed, with their original values. */
const restore = {}

async function getProgram() {
  const res = await request("GET", `${BASE}/admin/loyalty/referral-program`, { headers: auth })
  assert(res.status === 200 && res.json && res.json.program, `GET /admin/loyalty/referral-program: status ${res.status} ${res.text.slice(0, 300)}`)
  return res.json.program
}

async function updateProgram(body) {
  const res = await request("POST", `${BASE}/admin/loyalty/referral-program`, { headers: auth, body })
  assert(res.status === 200 && res.json && res.json.program, `POST /admin/loyalty/referral-program ${JSON.stringify(body)}: status ${res.status} ${res.text.slice(0, 300)}`)
  return res.json.program
}

async function registerCustomer(email, firstName, lastName) {
  const password = "referral-test-pass"
  const pk = { "x-publishable-api-key": info.publishableKey }
  const reg = await request("POST", `${BASE}/auth/customer/emailpass/register`, { body: { email, password } })
  assert(reg.status === 200 && reg.json && reg.json.token, `register ${email}: status ${reg.status} ${reg.text.slice(0, 300)}`)
  const created = await request("POST", `${BASE}/store/customers`, {
    headers: { ...pk, authorization: `Bearer ${reg.json.token}` },
    body: { email, first_name: firstName, last_name: lastName },
  })
  assert(created.status === 200 && created.json && created.json.customer, `POST /store/customers ${email}: status ${created.status} ${created.text.slice(0, 300)}`)
  const login = await request("POST", `${BASE}/auth/customer/emailpass`, { body: { email, password } })
  assert(login.status === 200 && login.json && login.json.token, `login ${email}: status ${login.status} ${login.text.slice(0, 300)}`)
  return { customer: created.json.customer, headers: { ...pk, authorization: `Bearer ${login.json.token}` } }
}

async function adminReferralOf(refereeId) {
  const res = await request("GET", `${BASE}/admin/loyalty/referrals?customer_id=${encodeURIComponent(refereeId)}`, { headers: auth })
  assert(res.status === 200 && res.json, `GET /admin/loyalty/referrals: status ${res.status} ${res.text.slice(0, 300)}`)
  return res.json.referrals.find((r) => r.referee && r.referee.id === refereeId)
}

async function main() {
  assert(fs.existsSync(INFO_FILE), `${path.relative(ROOT, INFO_FILE)} is missing: start the demo first (npm run demo)`)
  info = JSON.parse(fs.readFileSync(INFO_FILE, "utf8"))
  BASE = String(info.url).replace(/\/$/, "")
  const ADMIN_URL = String((info.admin && info.admin.url) || `${BASE}/app`).replace(/\/$/, "")
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  log(`store ${BASE}, admin ${ADMIN_URL} (${info.admin.email})`)

  await check("GET /health answers 200", async () => {
    const res = await request("GET", `${BASE}/health`)
    assert(res.status === 200, `status ${res.status}: ${res.text.slice(0, 200)} (is the demo running?)`)
    return res.text.trim()
  })

  await check("admin logs in over the API (POST /auth/user/emailpass)", async () => {
    const res = await request("POST", `${BASE}/auth/user/emailpass`, {
      body: { email: info.admin.email, password: info.admin.password },
    })
    assert(res.status === 200 && res.json && typeof res.json.token === "string", `status ${res.status}: ${res.text.slice(0, 200)}`)
    auth = { authorization: `Bearer ${res.json.token}` }
    return "token received"
  })

  let original
  await check("the referral program is running (GET/POST /admin/loyalty/referral-program)", async () => {
    original = await getProgram()
    restore.referrer_points = original.referrer_points
    if (!original.enabled) {
      restore.enabled = false
      const body = { enabled: true }
      // a running program must reward someone
      if (!original.referrer_points && !original.referee_points) {
        body.referee_points = 100
        restore.referee_points = original.referee_points
      }
      const updated = await updateProgram(body)
      assert(updated.enabled === true, `program still off: ${JSON.stringify(updated)}`)
      return `was off (version ${original.version}); turned on → version ${updated.version}`
    }
    return `already on (version ${original.version}, referrer ${original.referrer_points} / friend ${original.referee_points} points)`
  })

  const ts = Date.now()
  const emailA = `ref.${ts}@example.com`
  const emailB = `ref.${ts}+friend@example.com`
  let A
  let B
  let code
  await check(`customer A (${emailA}) registers and gets a referral code`, async () => {
    A = await registerCustomer(emailA, "Refa", `Test${ts}`)
    const res = await request("GET", `${BASE}/store/loyalty/referral`, { headers: A.headers })
    assert(res.status === 200 && res.json, `GET /store/loyalty/referral: status ${res.status} ${res.text.slice(0, 300)}`)
    code = res.json.code
    assert(typeof code === "string" && code.length > 0, `no code in ${res.text.slice(0, 300)}`)
    return `${A.customer.id}, code ${code}`
  })

  await check(`customer B (${emailB}, a plus-tag of A) claims A's code and is flagged`, async () => {
    B = await registerCustomer(emailB, "Refb", `Test${ts}`)
    const res = await request("POST", `${BASE}/store/loyalty/referral/claim`, { headers: B.headers, body: { code } })
    assert(res.status === 200 && res.json && res.json.referral, `POST /store/loyalty/referral/claim: status ${res.status} ${res.text.slice(0, 300)}`)
    // the shopper only sees that it waits, not which rule fired
    assert(res.json.referral.status === "in_review", `the shopper sees status ${res.json.referral.status}, expected in_review`)
    const referral = await adminReferralOf(B.customer.id)
    assert(referral, `no referral for ${B.customer.id} in GET /admin/loyalty/referrals`)
    assert(referral.status === "flagged", `admin sees status ${referral.status}, expected flagged`)
    const same = referral.flags.find((f) => f.rule === "same_email")
    assert(same, `no same_email flag: ${JSON.stringify(referral.flags)}`)
    return `${referral.id} flagged: "${same.message}"`
  })

  const newReferrerPoints = Number(original.referrer_points) === 777 ? 778 : 777
  const note = `Same person testing both accounts; approved by test run ${ts}`

  assert(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing (apt-get install chromium, or set CHROMIUM_PATH)`)
  const browser = await launchChromium()
  const pageErrors = []
  try {
    const { page } = await newAdminPage(browser, { pageErrors })

    await check("admin in Chromium: logs in (the dashboard's form, or the session test:demo saved)", async () => {
      const how = await logInAdmin(page, { base: BASE, admin: info.admin })
      await page.waitForLoadState("networkidle", { timeout: 20000 }).catch(() => undefined)
      await shot(page, "01-after-login.png")
      return `${how}: ${page.url()}`
    })

    const referrerInput = page.locator('[data-testid="referral-referrer-points"]')

    await check("Settings → Loyalty → Referrals tab opens the referral program", async () => {
      await page.goto(`${ADMIN_URL}/settings/loyalty`)
      const tab = page.locator('[data-testid="loyalty-settings-nav"]').getByRole("link", { name: "Referrals", exact: true })
      await tab.waitFor({ state: "visible" })
      await tab.click()
      await page.waitForURL((url) => /\/settings\/loyalty\/referrals\/?$/.test(url.pathname))
      await referrerInput.waitFor({ state: "visible" })
      const value = await until(async () => {
        const v = await referrerInput.inputValue()
        return v === String(original.referrer_points) ? v : null
      }, 20000)
      await shot(page, "02-referrals-settings.png")
      assert(value, `the referrer reward field shows "${await referrerInput.inputValue()}", expected ${original.referrer_points}`)
      const version = (await page.locator('[data-testid="referral-program-version"]').innerText()).trim()
      return `${new URL(page.url()).pathname}; "${version}", referrer reward ${value}`
    })

    await check(`edit the referrer reward to ${newReferrerPoints}, save, reload: it persisted`, async () => {
      const versionBefore = (await getProgram()).version
      await referrerInput.fill(String(newReferrerPoints))
      const save = page.locator('[data-testid="referral-program-save"]')
      assert(await save.isEnabled(), "Save stays disabled after the edit")
      await shot(page, "03-program-edited.png")
      await save.click()
      await page.getByText("Referral program saved").first().waitFor({ state: "visible", timeout: 30000 })
      await shot(page, "04-program-saved.png")
      const saved = await getProgram()
      assert(saved.referrer_points === newReferrerPoints, `the API has referrer_points ${saved.referrer_points}, expected ${newReferrerPoints}`)
      assert(saved.version > versionBefore, `version did not move on: ${versionBefore} → ${saved.version}`)

      await page.reload()
      await referrerInput.waitFor({ state: "visible" })
      const shown = await until(async () => {
        const v = await referrerInput.inputValue()
        return v === String(newReferrerPoints) ? v : null
      }, 20000)
      const version = (await page.locator('[data-testid="referral-program-version"]').innerText()).trim()
      await shot(page, "05-program-after-reload.png")
      assert(shown, `after reload the field shows "${await referrerInput.inputValue()}", expected ${newReferrerPoints}`)
      assert(version.includes(`Version ${saved.version}`), `after reload the page says "${version}", expected Version ${saved.version}`)
      return `API version ${versionBefore} → ${saved.version}; after reload the field shows ${shown}, "${version}"`
    })

    await check("B's customer page: Review opens the referral's drawer, and closing it goes back to B's page", async () => {
      const customerPath = `/customers/${B.customer.id}`
      await page.goto(`${ADMIN_URL}${customerPath}`)
      const review = page.locator('[data-testid="customer-referred-by"]').getByRole("link", { name: "Review", exact: true })
      await review.waitFor({ state: "visible", timeout: 30000 })
      await review.click()
      const drawer = page.locator('[data-testid="referral-review-drawer"]')
      await drawer.waitFor({ state: "visible" })
      const opened = new URL(page.url()).pathname
      assert(/\/settings\/loyalty\/referrals\/lref_[^/]+$/.test(opened), `the drawer opened at ${opened}`)
      await shot(page, "06a-review-from-customer.png")
      await page.keyboard.press("Escape")
      await drawer.waitFor({ state: "hidden", timeout: 30000 })
      const back = await until(async () => (new URL(page.url()).pathname.endsWith(customerPath) ? page.url() : null), 15000)
      assert(back, `closing the drawer went to ${new URL(page.url()).pathname}, not back to ${customerPath}`)
      await page.locator('[data-testid="customer-referred-by"]').waitFor({ state: "visible" })
      await page.goto(`${ADMIN_URL}/settings/loyalty/referrals`)
      return `${opened} → closed → ${customerPath}`
    })

    const rowOf = () =>
      page.locator('[data-testid="referrals-table"] tbody tr').filter({ hasText: emailB })

    await check("the Flagged filter lists B's referral with its reason", async () => {
      await page.locator('[data-testid="referral-filter-flagged"]').click()
      const row = rowOf()
      await row.first().waitFor({ state: "visible", timeout: 30000 })
      assert((await row.count()) === 1, `${await row.count()} rows mention ${emailB}`)
      const status = await row.locator("[data-referral-status]").getAttribute("data-referral-status")
      assert(status === "flagged", `row status ${status}, expected flagged`)
      const reason = (await row.locator('[data-testid="referral-flag"]').first().innerText()).trim()
      assert(/Same email as the referrer/.test(reason), `reason shown: "${reason}"`)
      const text = (await row.innerText()).replace(/\s+/g, " ")
      assert(text.includes(emailA), `the row does not name the referrer ${emailA}: ${text}`)
      await row.scrollIntoViewIfNeeded()
      await shot(page, "06-flagged-referral.png")
      return `reason "${reason}"`
    })

    await check("Review → note → Approve: the referral is approved", async () => {
      await rowOf().locator('[data-testid="referral-review"]').click()
      const drawer = page.locator('[data-testid="referral-review-drawer"]')
      await drawer.waitFor({ state: "visible" })
      const drawerText = (await drawer.innerText()).replace(/\s+/g, " ")
      assert(drawerText.includes(code), `the drawer does not show the code ${code}`)
      assert(/Same email as the referrer/.test(drawerText), "the drawer does not list the reason")
      await drawer.locator('[data-testid="referral-decision-note"]').fill(note)
      await shot(page, "07-review-drawer.png")
      await drawer.locator('[data-testid="referral-approve"]').click()
      await page.getByText("Referral approved").first().waitFor({ state: "visible", timeout: 30000 })
      await drawer.waitFor({ state: "hidden", timeout: 30000 })
      await shot(page, "08-approved-toast.png")

      // it has left the Flagged filter; under All it shows with its new status
      await until(async () => (await rowOf().count()) === 0, 20000)
      assert((await rowOf().count()) === 0, "B's referral still listed under Flagged")
      await page.locator('[data-testid="referral-filter-all"]').click()
      const row = rowOf()
      await row.first().waitFor({ state: "visible", timeout: 30000 })
      const status = await until(async () => {
        const s = await row.locator("[data-referral-status]").getAttribute("data-referral-status")
        return s === "claimed" ? s : null
      }, 20000)
      const noteShown = (await row.locator('[data-testid="referral-decision-note-text"]').innerText()).trim()
      const flagClass = (await row.locator('[data-testid="referral-flag"]').first().getAttribute("class")) || ""
      await row.scrollIntoViewIfNeeded()
      await shot(page, "09-approved-referral.png")
      assert(status === "claimed", `row status ${await row.locator("[data-referral-status]").getAttribute("data-referral-status")}, expected claimed (approved, no order yet)`)
      assert(noteShown === `Approved: ${note}`, `note shown: "${noteShown}"`)
      assert(flagClass.includes("line-through"), `the cleared flag is not struck through (class "${flagClass}")`)

      const referral = await adminReferralOf(B.customer.id)
      assert(referral.status === "claimed" && referral.decision === "approved", `API: status ${referral.status}, decision ${referral.decision}`)
      assert(referral.decision_note === note, `API decision_note "${referral.decision_note}"`)
      assert(referral.flags.every((f) => f.cleared_at), `API: flags not cleared: ${JSON.stringify(referral.flags)}`)
      return `status flagged → ${status}, decision approved, "${noteShown}", flag struck through`
    })

    assert(!pageErrors.length, `page errors: ${pageErrors.join(" | ")}`)
  } finally {
    await browser.close()
  }
}

async function restoreProgram() {
  if (!auth || !Object.keys(restore).length) return
  try {
    const current = await getProgram()
    const body = {}
    for (const [key, value] of Object.entries(restore)) if (current[key] !== value) body[key] = value
    if (!Object.keys(body).length) return log(`program already as it was: ${JSON.stringify(restore)}`)
    const updated = await updateProgram(body)
    log(`restored the referral program ${JSON.stringify(body)} → version ${updated.version}`)
  } catch (error) {
    results.push({ name: "restore", ok: false, error })
    log(`FAIL restoring the referral program: ${error.message}`)
  }
}

main()
  .catch((error) => {
    if (!results.some((r) => !r.ok)) {
      results.push({ name: "setup", ok: false, error })
      log(`FAIL ${error && error.stack ? error.stack : error}`)
    }
  })
  .then(restoreProgram)
  .then(() => {
    const failed = results.filter((r) => !r.ok).length
    log(
      failed
        ? `FAILED (${failed} failing check${failed === 1 ? "" : "s"}); screenshots in ${path.relative(ROOT, ARTIFACTS)}/`
        : `all ${results.length} checks passed; screenshots in ${path.relative(ROOT, ARTIFACTS)}/`
    )
    process.exit(failed ? 1 : 0)
  })
