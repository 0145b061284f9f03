#!/usr/bin/env node
/**
 * `node demo/test-admin-rewards.js`: against an ALREADY RUNNING demo store
 * (demo/.store/demo-info.json), checks in headless Chromium that
 *
 *   "an admin creates a reward in Settings → Loyalty → Rewards, edits it, and
 *    the create and edit drawers are routes of their own"
 *
 *   1. Settings → Loyalty → Rewards lists the seeded rewards
 *   2. "Create reward" opens the form at /app/settings/loyalty/rewards/create
 *      over the list; a uniquely named 5-off reward for 700 points is saved,
 *      the drawer closes back to /app/settings/loyalty/rewards and the list
 *      shows it
 *   3. its Edit button opens /app/settings/loyalty/rewards/<id>/edit with the
 *      saved values; a points cost of 800 is saved and listed
 *   4. the edit URL opened directly (a reload, a shared link) opens the same
 *      drawer over the list; Cancel goes back to the list, nothing saved
 *
 * It neither starts nor stops the store. Rewards named "E2E Reward …" left by an
 * earlier, interrupted run are deleted first, and the reward this run creates is
 * deleted at the end (DELETE /admin/loyalty/rewards/:id).
 * Screenshots go to artifacts/admin-rewards/. Exit code 1 on any failure.
 */
"use strict"

const fs = require("fs")
const path = require("path")

const ROOT = path.resolve(__dirname, "..")
const ARTIFACTS = path.join(ROOT, "artifacts", "admin-rewards")
const INFO_FILE = path.join(__dirname, ".store", "demo-info.json")
const REWARD_PREFIX = "E2E Reward"

const { launchChromium, newAdminPage, logInAdmin } = require("./lib/browser")
const { createHarness, assert, request } = require("./lib/harness")
const { log, check, runChecks } = createHarness("test:admin-rewards")

async function main() {
  assert(fs.existsSync(INFO_FILE), `${path.relative(ROOT, INFO_FILE)} is missing: is the demo store running (npm run demo)?`)
  const info = JSON.parse(fs.readFileSync(INFO_FILE, "utf8"))
  const BASE = info.url.replace(/\/+$/, "")
  const LIST = `${BASE}/app/settings/loyalty/rewards`
  fs.mkdirSync(ARTIFACTS, { recursive: true })

  const rewardName = `${REWARD_PREFIX} ${Date.now()}`
  let auth
  let createdId = null

  const listRewards = async () => {
    const res = await request("GET", `${BASE}/admin/loyalty/rewards`, { headers: auth })
    assert(res.status === 200, `GET /admin/loyalty/rewards: status ${res.status} ${res.text.slice(0, 200)}`)
    return res.json.rewards
  }

  await check(`the store answers and the admin API logs in (${BASE}); rewards left by earlier runs are removed`, async () => {
    const res = await request("POST", `${BASE}/auth/user/emailpass`, {
      body: { email: info.admin.email, password: info.admin.password },
    })
    assert(res.status === 200 && res.json && res.json.token, `POST /auth/user/emailpass: status ${res.status} ${res.text.slice(0, 200)}`)
    auth = { authorization: `Bearer ${res.json.token}` }
    const stale = (await listRewards()).filter((reward) => reward.name.startsWith(`${REWARD_PREFIX} `))
    for (const reward of stale) {
      const del = await request("DELETE", `${BASE}/admin/loyalty/rewards/${reward.id}`, { headers: auth })
      assert(del.status === 200, `DELETE stale reward ${reward.name}: status ${del.status} ${del.text.slice(0, 200)}`)
    }
    return `${stale.length} stale reward(s) deleted`
  })

  const browser = await launchChromium()
  const shot = (page, name) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true }).catch(() => undefined)
  const pageErrors = []
  try {
    const { page } = await newAdminPage(browser, { pageErrors })
    const rowOf = (name) => page.locator('[data-testid="loyalty-rewards-table"] tbody tr', { hasText: name })
    const onList = () => page.waitForURL((url) => /\/app\/settings\/loyalty\/rewards\/?$/.test(url.pathname), { timeout: 30000 })

    await check("admin logs in and Settings → Loyalty → Rewards lists the rewards", async () => {
      const how = await logInAdmin(page, { base: BASE, admin: info.admin, path: "/app/settings/loyalty/rewards" })
      const seeded = await listRewards()
      assert(seeded.length > 0, "the demo has no rewards")
      await rowOf(seeded[0].name).first().waitFor({ state: "visible", timeout: 60000 })
      const rows = await page.locator('[data-testid="loyalty-rewards-table"] tbody tr').count()
      assert(rows === seeded.length, `${rows} rows listed, the API has ${seeded.length} rewards`)
      await shot(page, "01-rewards.png")
      return `${rows} rewards listed (logged in with ${how})`
    })

    await check("Create reward opens /rewards/create over the list; the saved reward is listed", async () => {
      await page.locator('[data-testid="loyalty-reward-create"]').click()
      await page.waitForURL((url) => /\/app\/settings\/loyalty\/rewards\/create\/?$/.test(url.pathname), { timeout: 30000 })
      await page.locator('[data-testid="loyalty-reward-name"]').fill(rewardName)
      await page.locator('[data-testid="loyalty-reward-amount-0"]').fill("5")
      await page.locator('[data-testid="loyalty-reward-points-cost"]').fill("700")
      assert(await page.locator('[data-testid="loyalty-rewards-table"]').count(), "the list is not drawn under the drawer")
      await shot(page, "02-create-drawer.png")
      const created = page.waitForResponse(
        (res) => res.request().method() === "POST" && /\/admin\/loyalty\/rewards\/?$/.test(new URL(res.url()).pathname),
        { timeout: 30000 }
      )
      await page.locator('[data-testid="loyalty-reward-save"]').click()
      const res = await created
      const body = await res.json().catch(() => undefined)
      assert(res.status() === 201, `POST /admin/loyalty/rewards answered ${res.status()}: ${JSON.stringify(body)}`)
      createdId = body.reward.id
      await onList()
      const row = rowOf(rewardName)
      await row.waitFor({ state: "visible", timeout: 30000 })
      const text = (await row.innerText()).replace(/\s+/g, " ").trim()
      assert(text.includes("700"), `the row does not show the 700 points cost: "${text}"`)
      await shot(page, "03-created.png")
      return `${createdId}: "${text}"`
    })

    await check("its Edit button opens /rewards/<id>/edit with the saved values; a new points cost is saved and listed", async () => {
      await rowOf(rewardName).locator('[data-testid="loyalty-reward-edit"]').click()
      await page.waitForURL((url) => url.pathname.endsWith(`/settings/loyalty/rewards/${createdId}/edit`), { timeout: 30000 })
      const name = page.locator('[data-testid="loyalty-reward-name"]')
      await name.waitFor({ state: "visible" })
      assert((await name.inputValue()) === rewardName, `the form shows the name "${await name.inputValue()}"`)
      const cost = page.locator('[data-testid="loyalty-reward-points-cost"]')
      assert((await cost.inputValue()) === "700", `the form shows the points cost "${await cost.inputValue()}"`)
      await cost.fill("800")
      const saved = page.waitForResponse(
        (res) => res.request().method() === "POST" && new URL(res.url()).pathname.endsWith(`/admin/loyalty/rewards/${createdId}`),
        { timeout: 30000 }
      )
      await page.locator('[data-testid="loyalty-reward-save"]').click()
      const res = await saved
      assert(res.status() === 200, `POST /admin/loyalty/rewards/:id answered ${res.status()}`)
      await onList()
      const text = await (async () => {
        const deadline = Date.now() + 15000
        let t = ""
        while (Date.now() < deadline) {
          t = (await rowOf(rewardName).innerText().catch(() => "")).replace(/\s+/g, " ").trim()
          if (t.includes("800")) return t
          await new Promise((resolve) => setTimeout(resolve, 250))
        }
        return t
      })()
      assert(text.includes("800"), `the row does not show the new points cost: "${text}"`)
      const api = (await listRewards()).find((reward) => reward.id === createdId)
      assert(api && Number(api.points_cost) === 800, `the API has points cost ${api && api.points_cost}`)
      return `"${text}"`
    })

    await check("the edit URL opened directly opens the drawer over the list; Cancel goes back, nothing saved", async () => {
      await page.goto(`${LIST}/${createdId}/edit`)
      const name = page.locator('[data-testid="loyalty-reward-name"]')
      await name.waitFor({ state: "visible", timeout: 60000 })
      assert((await name.inputValue()) === rewardName, `the form shows the name "${await name.inputValue()}"`)
      await rowOf(rewardName).waitFor({ state: "attached", timeout: 30000 })
      await name.fill(`${rewardName} (not saved)`)
      await shot(page, "04-edit-by-url.png")
      await page.getByRole("button", { name: "Cancel" }).click()
      await onList()
      await name.waitFor({ state: "detached", timeout: 30000 })
      const api = (await listRewards()).find((reward) => reward.id === createdId)
      assert(api && api.name === rewardName, `the API has the name "${api && api.name}"`)
      return "drawer opened by URL, canceled back to the list"
    })
  } finally {
    await browser.close().catch(() => undefined)
    if (pageErrors.length) log(`page errors: ${pageErrors.join(" | ")}`)
    // Clean up even when a check failed, so the next run starts from the same set.
    await check("the reward created by this run is deleted via the admin API", async () => {
      if (!createdId) {
        const found = (await listRewards()).find((reward) => reward.name === rewardName)
        if (!found) return "nothing was created"
        createdId = found.id
      }
      const del = await request("DELETE", `${BASE}/admin/loyalty/rewards/${createdId}`, { headers: auth })
      assert(del.status === 200, `status ${del.status} ${del.text.slice(0, 200)}`)
      return `${createdId} deleted`
    })
  }
}

runChecks(main, ARTIFACTS)
