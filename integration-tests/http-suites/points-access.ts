import fs from "fs"
import path from "path"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import {
  AdminUser,
  attempt,
  eventually,
  get,
  ledgerTotals,
  post,
  registerCustomer,
  StoreHeaders,
  subscribersDone,
} from "../helpers"
import { httpSuite } from "../helpers/one-boot"
import { recomputeInsightsWorkflow } from "../../src/workflows/insights"

type RouteMethod = "get" | "post" | "delete"

/**
 * Every route the plugin serves, read off `src/api` as Medusa reads it (a
 * `[param]` folder is a path parameter), so that a route added later is
 * checked without anyone adding it here.
 */
function pluginRoutes(): { method: RouteMethod; template: string }[] {
  const root = path.join(__dirname, "../../src/api")
  const routes: { method: RouteMethod; template: string }[] = []
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name === "route.ts") {
        const template = "/" + path.relative(root, dir).split(path.sep).join("/")
        for (const [, method] of fs.readFileSync(full, "utf8").matchAll(/export (?:async function|const) (GET|POST|DELETE)\b/g)) {
          routes.push({ method: method.toLowerCase() as RouteMethod, template })
        }
      }
    }
  }
  walk(root)
  return routes
}

/**
 * Who may see and change what: a shopper only ever reaches their own account,
 * the admin routes need an admin, bad input is a clear 400 that changes
 * nothing, and 50 concurrent debits never overdraw an account.
 */
export default httpSuite({
  title: "points access",
  register: ({ api, getContainer, store }) => {
    let admin: AdminUser
    let storeHeaders: StoreHeaders

    beforeAll(() => {
      ;({ admin, storeHeaders } = store())
    })

    const adjust = (customerId: string, body: unknown, headers: Record<string, string> = admin.headers) =>
      attempt(api.post(`/admin/loyalty/accounts/${customerId}/adjustments`, body, { headers }))

    it("shows each shopper only their own account, and nothing without login", async () => {
      const anna = await registerCustomer(api, storeHeaders, { email: "anna@example.com" })
      const ben = await registerCustomer(api, storeHeaders, { email: "ben@example.com" })
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", anna.headers)).account.balance).toBe(50)
      )
      await post(api, `/admin/loyalty/accounts/${anna.customer.id}/adjustments`, { points: 500, reason: "VIP" }, admin.headers)

      expect((await get(api, "/store/loyalty/account", anna.headers)).account.balance).toBe(550)
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", ben.headers)).account.balance).toBe(50)
      )
      const bensEntries = (await get(api, "/store/loyalty/account/entries", ben.headers)).entries
      expect(bensEntries.map((e: { reason: string }) => e.reason)).toEqual(["Welcome bonus for creating an account"])

      // The store routes take no customer id: a query parameter naming another customer is refused, not honoured.
      const sneaky = await attempt(
        api.get(`/store/loyalty/account/entries?customer_id=${anna.customer.id}`, { headers: ben.headers })
      )
      expect(sneaky.status).toBe(400)

      expect((await attempt(api.get("/store/loyalty/account", { headers: storeHeaders }))).status).toBe(401)
      expect((await attempt(api.get("/store/loyalty/account/entries", { headers: storeHeaders }))).status).toBe(401)
      // The public rules need only the publishable key.
      expect((await attempt(api.get("/store/loyalty/program", { headers: storeHeaders }))).status).toBe(200)
      expect((await attempt(api.get("/store/loyalty/program"))).status).toBe(400)
    })

    it("answers 401 on every admin route without an admin, even for a logged-in shopper", async () => {
      const shopper = await registerCustomer(api, storeHeaders, { email: "curious@example.com" })
      const id = shopper.customer.id
      for (const headers of [{}, shopper.headers]) {
        expect((await attempt(api.get("/admin/loyalty/program", { headers }))).status).toBe(401)
        expect((await attempt(api.post("/admin/loyalty/program", { pending_days: 1 }, { headers }))).status).toBe(401)
        expect((await attempt(api.get(`/admin/loyalty/accounts/${id}`, { headers }))).status).toBe(401)
        expect((await attempt(api.get(`/admin/loyalty/accounts/${id}/entries`, { headers }))).status).toBe(401)
        expect((await adjust(id, { points: 1000, reason: "free points" }, headers)).status).toBe(401)
      }
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", shopper.headers)).account.balance).toBe(50)
      )
    })

    it("refuses malformed adjustments and program changes with a 400 that says why, changing nothing", async () => {
      const shopper = await registerCustomer(api, storeHeaders, { email: "input@example.com" })
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", shopper.headers)).account.balance).toBe(50)
      )
      const id = shopper.customer.id
      const cases: [unknown, RegExp][] = [
        [{ points: "100", reason: "string points" }, /'number' for field 'points'/],
        [{ points: 1.5, reason: "fraction" }, /'int' for field 'points'/],
        [{ points: 0, reason: "zero" }, /points must not be 0/],
        [{ points: -5_000_000, reason: "huge" }, /'points' too small, expected at least: '-1000000'/],
        [{ points: 1e12, reason: "huge" }, /'points' too big, expected at most: '1000000'/],
        [{ points: 10 }, /reason/],
        [{ points: 10, reason: "   " }, /reason/],
        [{ points: 10, reason: "ok", customer_id: "cus_other" }, /customer_id/],
        [{ points: -51, reason: "more than the balance" }, /Not enough points: the balance is 50/],
      ]
      for (const [body, message] of cases) {
        const response = await adjust(id, body)
        expect({ body, status: response.status, message: response.data.message }).toEqual({
          body,
          status: 400,
          message: expect.stringMatching(message),
        })
      }
      const unknownCustomer = await adjust("cus_does_not_exist", { points: 10, reason: "ghost" })
      expect(unknownCustomer.status).toBe(404)

      const programCases: [unknown, RegExp][] = [
        [{ pending_days: -1 }, /pending_days/],
        [{ earn_rates: { euro: 1 } }, /3-letter currency code/],
        [{ earn_rates: { eur: -2 } }, /An earn rate for eur must be between 0 and 1000$/],
        // 1,000,000 points per euro: an ordinary order would earn more than an account holds.
        [{ earn_rates: { eur: 1_000_000 } }, /An earn rate for eur must be between 0 and 1000$/],
        [{ earn_rates: { eur: 1000 }, point_values: { eur: 2_000_000 } }, /A point value for eur must be between 0 and 1000000$/],
        [{ max_redeem_share: 2 }, /max_redeem_share/],
        [{ pending_days: 7, favourite_colour: "blue" }, /favourite_colour/],
        [{}, /at least one program field/],
        [{ redeem_step: 7 }, /min_redeem_points must be a multiple of redeem_step/],
      ]
      for (const [body, message] of programCases) {
        const response = await attempt(api.post("/admin/loyalty/program", body, { headers: admin.headers }))
        expect({ body, status: response.status, message: response.data.message }).toEqual({
          body,
          status: 400,
          message: expect.stringMatching(message),
        })
      }
      const badPage = await attempt(api.get("/store/loyalty/account/entries?limit=100000", { headers: shopper.headers }))
      expect(badPage.status).toBe(400)

      // Nothing changed.
      expect((await get(api, "/store/loyalty/account", shopper.headers)).account).toMatchObject({ balance: 50, pending: 0 })
      expect((await get(api, `/admin/loyalty/accounts/${id}`, admin.headers)).entries).toHaveLength(1)
      expect((await get(api, "/admin/loyalty/program", admin.headers)).program.version).toBe(0)
    })

    it("records the admin as the author of an adjustment, and a retried request posts once", async () => {
      const shopper = await registerCustomer(api, storeHeaders, { email: "goodwill@example.com" })
      const id = shopper.customer.id
      const headers = { ...admin.headers, "idempotency-key": "complaint-4711" }
      const first = await adjust(id, { points: 120, reason: "Complaint recovery: late parcel" }, headers)
      const retry = await adjust(id, { points: 120, reason: "Complaint recovery: late parcel" }, headers)
      expect(first.status).toBe(200)
      expect(retry.data.entry.id).toBe(first.data.entry.id)
      expect(first.data.entry).toMatchObject({
        type: "adjust",
        points: 120,
        actor_type: "admin",
        actor_id: admin.user.id,
        reason: "Complaint recovery: late parcel",
      })
      const { entries } = await get(api, `/admin/loyalty/accounts/${id}`, admin.headers)
      expect(entries.filter((e: { type: string }) => e.type === "adjust")).toHaveLength(1)
      // The shopper sees that staff made the change, not who.
      const mine = (await get(api, "/store/loyalty/account/entries", shopper.headers)).entries
      const seen = mine.find((e: { type: string }) => e.type === "adjust")
      expect(seen).toMatchObject({ actor_type: "admin", points: 120 })
      expect(seen).not.toHaveProperty("actor_id")
    })

    it("never overdraws an account under 50 concurrent admin debits", async () => {
      const shopper = await registerCustomer(api, storeHeaders, { email: "race@example.com" })
      const id = shopper.customer.id
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", shopper.headers)).account.balance).toBe(50)
      )
      await post(api, `/admin/loyalty/accounts/${id}/adjustments`, { points: 950, reason: "top up" }, admin.headers)

      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) => adjust(id, { points: -30, reason: `debit ${i}` }))
      )
      const statuses = responses.map((r) => r.status)
      expect(statuses.filter((s) => s === 200)).toHaveLength(33) // 33 × 30 = 990 ≤ 1000
      expect(statuses.filter((s) => s === 400)).toHaveLength(17)
      for (const refused of responses.filter((r) => r.status === 400)) {
        expect(refused.data.message).toMatch(/Not enough points/)
      }

      const { account } = await get(api, "/store/loyalty/account", shopper.headers)
      expect(account.balance).toBe(10)
      const totals = (await ledgerTotals(getContainer(), id))!
      expect(totals.cached).toEqual(totals.ledger)
      expect(totals.lots).toBe(10)
      expect(totals.cached.balance).toBeGreaterThanOrEqual(0)
    })

    it("refuses an Idempotency-Key over 255 characters with a 400 on coupons and adjustments, changing nothing (issue 12, defect 6)", async () => {
      const shopper = await registerCustomer(api, storeHeaders, { email: "longkey@example.com" })
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", shopper.headers)).account.balance).toBe(50)
      )
      await post(api, `/admin/loyalty/accounts/${shopper.customer.id}/adjustments`, { points: 450, reason: "test" }, admin.headers)
      const { reward } = await post(
        api,
        "/admin/loyalty/rewards",
        { name: "5 EUR off", kind: "fixed_amount", amounts: { EUR: 5 }, points_cost: 300 },
        admin.headers
      )
      const longKey = "k".repeat(5_000)

      const adjustment = await adjust(shopper.customer.id, { points: 10, reason: "x" }, { ...admin.headers, "idempotency-key": longKey })
      expect(adjustment.status).toBe(400)
      expect(adjustment.data.message).toBe("The Idempotency-Key header must be 1 to 255 printable characters")
      const coupon = await attempt(
        api.post("/store/loyalty/coupons", { reward_id: reward.id }, { headers: { ...shopper.headers, "idempotency-key": longKey } })
      )
      expect(coupon.status).toBe(400)
      expect(coupon.data.message).toBe("The Idempotency-Key header must be 1 to 255 printable characters")
      expect((await get(api, "/store/loyalty/account", shopper.headers)).account.balance).toBe(500)
      expect((await get(api, "/store/loyalty/coupons", shopper.headers)).coupons).toEqual([])

      // 255 characters are fine, and still post once.
      const okKey = "k".repeat(255)
      for (let i = 0; i < 2; i++) {
        const ok = await adjust(shopper.customer.id, { points: 10, reason: "x" }, { ...admin.headers, "idempotency-key": okKey })
        expect(ok.status).toBe(200)
      }
      expect((await get(api, "/store/loyalty/account", shopper.headers)).account.balance).toBe(510)
    })

    it("answers 400 for a path id with a NUL byte, on every route of the plugin, and 404 for a customer, order or record that does not exist (issue 12, defect 6)", async () => {
      const shopper = await registerCustomer(api, storeHeaders, { email: "paths@example.com" })
      const call = (method: RouteMethod, url: string, headers: Record<string, string>, body?: object) =>
        attempt(method === "post" ? api.post(url, body ?? {}, { headers }) : api[method](url, { headers }))
      const headersOf = (url: string) => (url.startsWith("/admin") ? admin.headers : shopper.headers)

      // Every route that takes an id, found in src/api: a NUL byte in the id is a 400 before the route runs.
      const withIds = pluginRoutes().filter(({ template }) => template.includes("["))
      expect(withIds.length).toBeGreaterThanOrEqual(30)
      const malformed: string[] = []
      for (const { method, template } of withIds) {
        const url = template.replace(/\[[^\]]+\]/g, "x%00y")
        const { status, data } = await call(method, url, headersOf(url))
        malformed.push(`${method.toUpperCase()} ${template} ${status} ${status === 400 ? data.message : JSON.stringify(data).slice(0, 120)}`)
      }
      expect(malformed).toEqual(
        withIds.map(
          ({ method, template }) => `${method.toUpperCase()} ${template} 400 Invalid id in the path: an id is 1 to 100 letters, digits, "_" or "-"`
        )
      )

      const adminRoutes: [method: RouteMethod, path: (id: string) => string, body?: object][] = [
        ["get", (id) => `/admin/loyalty/accounts/${id}`],
        ["get", (id) => `/admin/loyalty/accounts/${id}/entries`],
        ["post", (id) => `/admin/loyalty/accounts/${id}/adjustments`, { points: 10, reason: "x" }],
        ["get", (id) => `/admin/loyalty/accounts/${id}/referrals`],
        ["get", (id) => `/admin/loyalty/accounts/${id}/tier`],
        ["post", (id) => `/admin/loyalty/accounts/${id}/tier/override`, { tier_id: null, reason: "x" }],
        ["delete", (id) => `/admin/loyalty/accounts/${id}/tier/override`],
        ["get", (id) => `/admin/loyalty/orders/${id}`],
        ["get", (id) => `/admin/loyalty/rewards/${id}`],
        ["post", (id) => `/admin/loyalty/rewards/${id}`, { name: "x" }],
        ["delete", (id) => `/admin/loyalty/rewards/${id}`],
        ["get", (id) => `/admin/loyalty/tiers/${id}`],
        ["post", (id) => `/admin/loyalty/tiers/${id}`, { name: "x" }],
        ["delete", (id) => `/admin/loyalty/tiers/${id}`],
        ["get", (id) => `/admin/loyalty/campaigns/${id}`],
        ["delete", (id) => `/admin/loyalty/campaigns/${id}`],
        ["delete", (id) => `/admin/loyalty/earning-rules/${id}`],
        ["get", (id) => `/admin/loyalty/imports/${id}`],
        ["post", (id) => `/admin/loyalty/referrals/${id}/approve`, { note: "x" }],
        ["post", (id) => `/admin/loyalty/referrals/${id}/reject`, { note: "x" }],
        ["get", (id) => `/admin/loyalty/insights/customers/${id}`],
        ["get", (id) => `/admin/loyalty/insights/runs/${id}`],
      ]
      const storeRoutes: typeof adminRoutes = [
        ["get", (id) => `/store/carts/${id}/loyalty`],
        ["post", (id) => `/store/carts/${id}/loyalty/points`, { points: 100 }],
        ["delete", (id) => `/store/carts/${id}/loyalty/points`],
      ]
      const missing: string[] = []
      for (const [method, route, body] of [...adminRoutes, ...storeRoutes]) {
        const { status, data } = await call(method, route("missing_01ABCDEF"), headersOf(route("")), body)
        missing.push(`${method.toUpperCase()} ${route(":id")} ${status} ${status >= 400 ? typeof data.message : ""}`)
      }
      expect(missing).toEqual([...adminRoutes, ...storeRoutes].map(([method, route]) => `${method.toUpperCase()} ${route(":id")} 404 string`))
      // Without an admin it stays a 401: the guard tells nobody which ids exist.
      expect((await attempt(api.get("/admin/loyalty/accounts/missing_01ABCDEF", { headers: storeHeaders }))).status).toBe(401)
      expect((await attempt(api.get("/admin/loyalty/orders/x%00y", { headers: storeHeaders }))).status).toBe(401)
      // Nothing was written on the way: no account was opened for the ids.
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      expect(await knex("loyalty_account").where("customer_id", "missing_01ABCDEF")).toEqual([])
    })

    it("answers 400 for a NUL byte anywhere in a query or a JSON body, on every route of the plugin, and changes nothing", async () => {
      const shopper = await registerCustomer(api, storeHeaders, { email: "nul-bytes@example.com" })
      await eventually(async () => expect((await get(api, "/store/loyalty/account", shopper.headers)).account.balance).toBe(50))
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      const rows = async () => ({
        entries: Number((await knex("loyalty_entry").count("* as n"))[0].n),
        feedback: Number((await knex("loyalty_feedback").count("* as n"))[0].n),
        coupons: Number((await knex("loyalty_coupon").count("* as n"))[0].n),
      })
      const before = await rows()
      const urlOf = (template: string) =>
        template.replace("[customer_id]", shopper.customer.id).replace(/\[[^\]]+\]/g, "missing_01ABCDEF")
      const headersOf = (url: string) => (url.startsWith("/admin") ? admin.headers : shopper.headers)
      const seen: string[] = []
      const expected: string[] = []
      for (const { method, template } of pluginRoutes()) {
        const url = urlOf(template)
        // The import's file is read as a CSV stream, not as JSON: its cells are checked as rows (below).
        if (method === "post" && template.endsWith("/file")) continue
        const { status, data } =
          method === "post"
            ? await attempt(api.post(url, { note: "a\u0000b", items: [{ metadata: { ok: "x\u0000" } }] }, { headers: headersOf(url) }))
            : await attempt(api[method](`${url}?customer_id=%00`, { headers: headersOf(url) }))
        seen.push(`${method.toUpperCase()} ${template} ${status} ${data?.message}`)
        const where = method === "post" ? "body.note" : "query.customer_id"
        expected.push(`${method.toUpperCase()} ${template} 400 ${where} holds a NUL character (\\u0000), which cannot be stored`)
      }
      expect(seen).toEqual(expected)
      // Deeper in the body, and in a key.
      const nested = await attempt(
        api.post("/store/loyalty/feedback", { order_id: "order_1", score: 5, extra: { list: [1, { "k\u0000": 1 }] } }, { headers: shopper.headers })
      )
      expect([nested.status, nested.data.message]).toEqual([400, "a key of body.extra.list[1] holds a NUL character (\\u0000), which cannot be stored"])
      expect(await rows()).toEqual(before)
      expect((await get(api, "/store/loyalty/account", shopper.headers)).account.balance).toBe(50)
    })

    it("answers 400 for a date Postgres cannot store (before 1900 or after 9999) on every route that takes one, and writes nothing", async () => {
      const shopper = await registerCustomer(api, storeHeaders, { email: "far-dates@example.com" })
      const knex = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      const count = async (table: string) => Number((await knex(table).count("* as n"))[0].n)
      const before = { rewards: await count("loyalty_reward"), campaigns: await count("loyalty_campaign"), runs: await count("loyalty_insight_run") }
      // The earliest date a JavaScript date holds: zod's `coerce.date()` took it, Postgres refused it with a 500.
      const far = -8640000000000000
      const campaign = { name: "Far", type: "multiplier", value: 2 }
      const cases: [path: string, body: Record<string, unknown>, field: string][] = [
        ["/admin/loyalty/rewards", { name: "Far", kind: "free_shipping", points_cost: 10, starts_at: far }, "starts_at"],
        ["/admin/loyalty/rewards", { name: "Far", kind: "free_shipping", points_cost: 10, ends_at: "+010000-01-01T00:00:00Z" }, "ends_at"],
        ["/admin/loyalty/campaigns", { ...campaign, starts_at: far, ends_at: null }, "starts_at"],
        ["/admin/loyalty/campaign-cost", { ...campaign, from: "1899-12-31" }, "from"],
        ["/admin/loyalty/what-if", { to: far }, "to"],
        ["/admin/loyalty/insights/recompute", { as_of: far }, "as_of"],
        [`/admin/loyalty/accounts/${shopper.customer.id}/tier/override`, { tier_id: null, reason: "x", ends_at: far }, "ends_at"],
      ]
      const seen: string[] = []
      for (const [path, body] of cases) {
        const { status, data } = await attempt(api.post(path, body, { headers: admin.headers }))
        seen.push(`${path} ${status} ${data.message}`)
      }
      expect(seen).toEqual(
        cases.map(([path, , field]) => expect.stringContaining(`${path} 400 Invalid request: ${field} must be a date between 1900-01-01 and 9999-12-31`))
      )
      expect({ rewards: await count("loyalty_reward"), campaigns: await count("loyalty_campaign"), runs: await count("loyalty_insight_run") }).toEqual(before)
    })

    it("lets a shopper download all their own loyalty data and nobody else's; staff can download any member's (issue 19, privacy)", async () => {
      const anna = await registerCustomer(api, storeHeaders, { email: "export-anna@example.com" })
      const ben = await registerCustomer(api, storeHeaders, { email: "export-ben@example.com" })
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", anna.headers)).account.balance).toBe(50)
      )
      await post(api, `/admin/loyalty/accounts/${anna.customer.id}/adjustments`, { points: 120, reason: "goodwill" }, admin.headers)
      await post(api, "/store/loyalty/account/preferences", { birthday: "06-01" }, anna.headers)

      const response = await api.get("/store/loyalty/me/export", { headers: anna.headers })
      expect(response.headers["content-disposition"]).toBe(`attachment; filename="loyalty-data-${anna.customer.id}.json"`)
      const data = response.data
      expect(data.customer_id).toBe(anna.customer.id)
      expect(data.points.account).toMatchObject({ customer_id: anna.customer.id, balance: 170 })
      expect(data.points.entries.map((e: { reason: string; points: number }) => [e.reason, e.points])).toEqual([
        ["Welcome bonus for creating an account", 50],
        ["goodwill", 120],
      ])
      expect(data.points.lots.map((lot: { remaining: number }) => lot.remaining).sort()).toEqual([120, 50])
      expect(data.points.preferences).toMatchObject({ birthday: "06-01", notifications: true })
      for (const key of ["tiers", "referrals", "campaigns", "feedback", "insights"]) expect(data).toHaveProperty(key)
      // Nothing of anyone else's.
      expect(JSON.stringify(data)).not.toContain(ben.customer.id)

      // Another customer gets their own; without login, nothing; staff get anyone's.
      expect((await get(api, "/store/loyalty/me/export", ben.headers)).points.account.customer_id).toBe(ben.customer.id)
      expect((await attempt(api.get("/store/loyalty/me/export", { headers: storeHeaders }))).status).toBe(401)
      expect((await attempt(api.get(`/store/loyalty/me/export?customer_id=${anna.customer.id}`, { headers: ben.headers }))).data.customer_id).toBe(ben.customer.id)
      const staff = await get(api, `/admin/loyalty/accounts/${anna.customer.id}/export`, admin.headers)
      expect(staff.points.entries).toHaveLength(2)
      expect((await attempt(api.get(`/admin/loyalty/accounts/${anna.customer.id}/export`, { headers: anna.headers }))).status).toBe(401)
    })

    it("erases a member's personal data from every plugin table on request and when the customer is deleted, keeping the ledger's amounts (issue 19, privacy)", async () => {
      const container = getContainer()
      const knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
      const eve = await registerCustomer(api, storeHeaders, { email: "erase-eve@example.com" })
      await eventually(async () =>
        expect((await get(api, "/store/loyalty/account", eve.headers)).account.balance).toBe(50)
      )
      const secret = "Eve called about her divorce"
      await post(api, `/admin/loyalty/accounts/${eve.customer.id}/adjustments`, { points: 75, reason: secret }, admin.headers)
      await post(api, "/store/loyalty/account/preferences", { birthday: "1988-09-30" }, eve.headers)
      const { code } = await get(api, "/store/loyalty/referral", eve.headers)
      expect(code).toBeTruthy()
      const before = await ledgerTotals(container, eve.customer.id)
      // The store's liability and KPIs as the finance team sees them, before the erase.
      const kpisNow = new Date()
      const storeFigures = async () => {
        await recomputeInsightsWorkflow(container).run({ input: { now: kpisNow } })
        const { liability } = await get(api, "/admin/loyalty/liability", admin.headers)
        const { kpis } = await get(api, "/admin/loyalty/insights/kpis", admin.headers)
        const { generated_at, breakage: { window_start, window_end, ...breakage }, ...figures } = liability
        return { liability: { ...figures, breakage }, kpis }
      }
      const figuresBefore = await storeFigures()
      expect(figuresBefore.liability.points.outstanding).toBeGreaterThanOrEqual(125)
      expect(figuresBefore.kpis.length).toBeGreaterThan(0)

      const erased = await post(api, `/admin/loyalty/accounts/${eve.customer.id}/erase`, {}, admin.headers)
      expect(erased.erased.points).toEqual({ accounts: 1, entries: 1 })
      expect(erased.erased.referrals.codes).toBe(1)

      // Nothing personal in any route nor in any plugin table; the amounts are as they were.
      const data = await get(api, `/admin/loyalty/accounts/${eve.customer.id}/export`, admin.headers)
      expect(data.points.preferences.birthday).toBeNull()
      expect(data.referrals.codes).toEqual([])
      const dump = JSON.stringify(data)
      expect(dump).not.toContain(secret)
      expect(dump).not.toContain(code)
      const tables: { table_name: string }[] = (
        await knex.raw("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'loyalty_%'")
      ).rows
      for (const { table_name } of tables) {
        const { rows } = await knex.raw(`SELECT count(*)::int AS n FROM ?? t WHERE t::text LIKE ? OR (t::text LIKE ? AND t::text LIKE ?)`, [
          table_name,
          `%${secret}%`,
          `%${code}%`,
          `%${eve.customer.id}%`,
        ])
        expect({ table_name, n: rows[0].n }).toEqual({ table_name, n: 0 })
      }
      const after = await ledgerTotals(container, eve.customer.id)
      expect(after!.cached).toEqual(before!.cached)
      expect(after!.ledger).toEqual(before!.ledger)
      expect(after!.lots).toBe(before!.lots)
      expect(after!.entries.map((e) => e.points)).toEqual(before!.entries.map((e) => e.points))
      const birthdays = await knex("loyalty_account").where({ customer_id: eve.customer.id }).whereNotNull("birthday_month")
      expect(birthdays).toEqual([])
      // Nor in any export.
      for (const kind of ["accounts", "entries", "referrals", "tiers", "insights"]) {
        const csv = String((await api.get(`/admin/loyalty/exports/${kind}`, { headers: admin.headers })).data)
        expect({ kind, secret: csv.includes(secret), code: csv.includes(code) }).toEqual({ kind, secret: false, code: false })
      }
      // Liability (points, money per currency, breakage, movement) and every KPI are the same after the erase.
      expect(await storeFigures()).toEqual(figuresBefore)

      // Erasing twice changes nothing more; a customer who does not exist is a 404.
      expect((await post(api, `/admin/loyalty/accounts/${eve.customer.id}/erase`, {}, admin.headers)).erased.points.entries).toBe(0)
      expect((await attempt(api.post("/admin/loyalty/accounts/cus_missing01/erase", {}, { headers: admin.headers }))).status).toBe(404)
      expect((await attempt(api.post(`/admin/loyalty/accounts/${eve.customer.id}/erase`, {}, { headers: eve.headers }))).status).toBe(401)

      // Deleting a customer in Medusa closes the account and erases them the same way.
      const fred = await registerCustomer(api, storeHeaders, { email: "erase-fred@example.com" })
      await post(api, "/store/loyalty/account/preferences", { birthday: "02-29" }, fred.headers)
      const handled = subscribersDone(container, "customer.deleted")
      await api.delete(`/admin/customers/${fred.customer.id}`, { headers: admin.headers })
      await handled
      expect(await knex("loyalty_account").where({ customer_id: fred.customer.id }).whereNotNull("birthday_month")).toEqual([])
    })
  },
})
