/**
 * What the demo's browser tests share: headless Chromium (Debian's, driven by
 * playwright-core) and a page of the Medusa admin logged in as the demo's admin.
 *
 * Logging in: `npm run test:demo` logs in with the dashboard's form once, in its
 * own first browser check, and keeps the session (the admin's cookie) in the
 * file named by DEMO_ADMIN_SESSION; the scripts it runs after that open the
 * admin with it instead of filling the form again (a few seconds each). A
 * script run alone, or a session the server no longer accepts, logs in with
 * the form.
 */
"use strict"

const fs = require("fs")

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium"

/** Headless Chromium as every browser test starts it. */
async function launchChromium() {
  const { chromium } = require("playwright-core")
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  })
}

/** Where test:demo keeps the admin's session for the scripts it runs (unset: every script logs in with the form). */
const sessionFile = () => process.env.DEMO_ADMIN_SESSION || ""

/**
 * A page in a browser context of its own (cookies apart from any storefront
 * page of the same browser), with the saved admin session when there is one.
 * The page's errors are pushed onto `pageErrors` (a new array unless given).
 */
async function newAdminPage(browser, { viewport = { width: 1440, height: 1000 }, acceptDownloads = false, pageErrors = [] } = {}) {
  const saved = sessionFile() && fs.existsSync(sessionFile()) ? sessionFile() : undefined
  const context = await browser.newContext({ viewport, acceptDownloads, storageState: saved })
  const page = await context.newPage()
  page.setDefaultTimeout(60000)
  page.on("pageerror", (error) => pageErrors.push(String(error)))
  return { context, page, pageErrors }
}

/**
 * Logs the page's context in as `admin` and opens `path` of the admin
 * (default `/app`); answers how it logged in: with the saved session when the
 * server still accepts it (`GET /admin/users/me` answers 200 with its cookie),
 * otherwise with the dashboard's login form, whose session is then saved for
 * the next script. `onForm(page)` runs with the form filled in, before it is
 * sent (a screenshot of the login page).
 */
async function logInAdmin(page, { base, admin, path = "/app", onForm }) {
  const context = page.context()
  if (sessionFile() && fs.existsSync(sessionFile())) {
    const me = await context.request.get(`${base}/admin/users/me`)
    if (me.ok()) {
      await page.goto(`${base}${path}`)
      return "the saved session"
    }
  }
  await page.goto(`${base}/app`)
  await page.locator('input[name="email"]').fill(admin.email)
  await page.locator('input[name="password"]').fill(admin.password)
  if (onForm) await onForm(page)
  await page.locator('button[type="submit"]').click()
  await page.waitForURL((url) => !/\/login/.test(url.pathname), { timeout: 60000 })
  if (sessionFile()) await context.storageState({ path: sessionFile() })
  if (path !== "/app") await page.goto(`${base}${path}`)
  return "the dashboard's login form"
}

module.exports = { CHROMIUM, launchChromium, newAdminPage, logInAdmin }
