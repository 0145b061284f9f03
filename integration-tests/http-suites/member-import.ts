import { createHash } from "crypto"
import { readFileSync } from "fs"
import { join } from "path"
import type { MedusaContainer } from "@medusajs/framework/types"
import { LOYALTY_TIERS_MODULE } from "../../src/modules/loyalty-tiers"
import type LoyaltyTiersModuleService from "../../src/modules/loyalty-tiers/service"
import { AdminUser, attempt, get, ledgerTotals, memberWith, pointsService, post, StoreHeaders } from "../helpers"
import { httpSuite } from "../helpers/one-boot"

const FIXTURES = join(__dirname, "../fixtures/imports")
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")
const DAY = 24 * 60 * 60 * 1000

/**
 * Member import: a CSV from another loyalty app (or the generic shape) is
 * dry-run, then imported through the ledger, and a second import of the same
 * file changes nothing.
 */
export default httpSuite({
  title: "member import",
  register: ({ api, getContainer, store }) => {
    let admin: AdminUser
    let storeHeaders: StoreHeaders
    let container: MedusaContainer
    let gold: { id: string }
    const members: Record<string, string> = {}

    beforeAll(async () => {
      ;({ admin, storeHeaders } = store())
      container = getContainer()
      ;({ tier: gold } = await post(
        api,
        "/admin/loyalty/tiers",
        { name: "Gold", metric: "points", threshold: 1_000_000 },
        admin.headers
      ))
      for (const email of [
        "ada@import.test",
        "ben@import.test",
        "ada.smile@example.com",
        "ben.smile@example.com",
        "ada.lion@example.com",
        "ben.lion@example.com",
        "ada.yotpo@example.com",
        "ben.yotpo@example.com",
        "big1@import.test",
        "big2@import.test",
        "full@import.test",
        "cho@import.test",
        "dan@import.test",
        "eve@import.test",
      ]) {
        members[email] = (await memberWith(api, storeHeaders, admin.headers, email, 50)).customer.id
      }
    })

    /** Create a run and upload the file as the body; the answer is the finished run. */
    async function upload(
      csv: string,
      {
        dry_run,
        import_key = sha256(csv),
        file_name = "members.csv",
        repeat_members,
      }: {
        dry_run: boolean
        /** null: leave the key to the server (it hashes the uploaded content). */
        import_key?: string | null
        file_name?: string
        repeat_members?: boolean
      }
    ) {
      const { import: created } = await post(
        api,
        "/admin/loyalty/imports",
        {
          ...(import_key === null ? {} : { import_key }),
          file_name,
          dry_run,
          bytes_total: Buffer.byteLength(csv),
          ...(repeat_members === undefined ? {} : { repeat_members }),
        },
        admin.headers
      )
      expect(created).toMatchObject({ status: "created", dry_run, import_key })
      const response = await api.post(`/admin/loyalty/imports/${created.id}/file`, csv, {
        headers: { ...admin.headers, "content-type": "text/csv" },
      })
      return response.data.import
    }

    const importEntries = async (customerId: string) =>
      ((await ledgerTotals(container, customerId))?.entries ?? []).filter((entry) => entry.reason === "import")
    const lotsOf = async (customerId: string) => {
      const [account] = await pointsService(container).listAccounts({ customer_id: customerId }, { take: 1 })
      return await pointsService(container).listLots({ account_id: account!.id }, { order: { expires_at: "ASC" } })
    }
    const balanceOf = async (customerId: string) => {
      const totals = await ledgerTotals(container, customerId)
      // Cached figures, ledger sums and open lots agree after every import.
      expect(totals!.cached.balance).toBe(totals!.ledger.balance)
      expect(totals!.lots).toBe(totals!.cached.balance)
      return totals!.cached.balance
    }
    const tierOf = async (customerId: string) =>
      (await container.resolve<LoyaltyTiersModuleService>(LOYALTY_TIERS_MODULE).membershipTiers([customerId], "tier_id")).get(customerId) ?? null

    const GENERIC = [
      "email,points,tier,expires_at,birthday",
      "ada@import.test,1000,Gold,2030-01-31,1990-05-27",
      "ADA@import.test,250,,,",
      "ben@import.test,300,Platinum,2029-06-30,",
      "nobody@import.test,70,,,",
      "ben@import.test,abc,,,",
      "carl@,5,,,",
      "ben@import.test,40,,2020-01-01,",
      "",
    ].join("\n")

    it("dry-runs a generic file: matched members, unknown emails, bad rows with their line, points and money; writes nothing", async () => {
      const report = await upload(GENERIC, { dry_run: true })
      expect(report).toMatchObject({
        status: "done",
        format: "generic",
        dry_run: true,
        rows_total: 7,
        rows_matched: 3,
        rows_unknown: 1,
        rows_bad: 3,
        rows_already: 0,
        rows_imported: 0,
        points: 1550,
        value: { eur: "15.50" },
        tiers_set: 1,
        birthdays_set: 1,
        bytes_total: Buffer.byteLength(GENERIC),
        bytes_read: Buffer.byteLength(GENERIC),
        unknown_emails: [{ line: 5, email: "nobody@import.test" }],
        bad_rows: [
          { line: 6, reason: 'points "abc" is not a whole number of points (no signs, decimals or separators)' },
          { line: 7, reason: 'email "carl@" is not an email address' },
          { line: 8, reason: "expires_at 2020-01-01 is in the past" },
        ],
        notes: [{ line: 4, reason: 'tier "Platinum" does not exist here: the tier is left as it is' }],
      })
      // The page polls the run: the same report.
      expect((await get(api, `/admin/loyalty/imports/${report.id}`, admin.headers)).import).toMatchObject({
        status: "done",
        points: 1550,
      })
      expect(await importEntries(members["ada@import.test"])).toEqual([])
      expect(await balanceOf(members["ada@import.test"])).toBe(50)
      expect(await tierOf(members["ada@import.test"])).toBeNull()
    })

    it("imports it: one entry with reason import and one lot per row with its expiry, the tier and the birthday; a second import changes nothing", async () => {
      const before = Date.now()
      const report = await upload(GENERIC, { dry_run: false })
      expect(report).toMatchObject({
        status: "done",
        rows_matched: 3,
        rows_imported: 3,
        rows_already: 0,
        points: 1550,
        value: { eur: "15.50" },
        tiers_set: 1,
        birthdays_set: 1,
        rows_bad: 3,
      })
      const ada = members["ada@import.test"]
      const ben = members["ben@import.test"]
      expect(await balanceOf(ada)).toBe(1300)
      expect(await balanceOf(ben)).toBe(350)

      const entries = await importEntries(ada)
      expect(entries.map((e) => [e.type, e.points, e.reference_type, e.reference_id, e.actor_id])).toEqual(
        expect.arrayContaining([
          ["adjust", 1000, "import", report.id, admin.user.id],
          ["adjust", 250, "import", report.id, admin.user.id],
        ])
      )
      expect(entries).toHaveLength(2)
      const lots = (await lotsOf(ada)).filter((lot) => entries.some((e) => e.id === lot.entry_id))
      expect(lots.map((lot) => [lot.points, lot.remaining])).toEqual([
        [250, 250],
        [1000, 1000],
      ])
      // The 250 row named no expiry: the program's 12 months from the import.
      const programExpiry = new Date(lots[0].expires_at!).getTime()
      expect(programExpiry).toBeGreaterThan(before + 360 * DAY)
      expect(programExpiry).toBeLessThan(Date.now() + 367 * DAY)
      expect(new Date(lots[1].expires_at!).toISOString()).toBe("2030-01-31T00:00:00.000Z")
      const benLots = (await lotsOf(ben)).filter((lot) => lot.points === 300)
      expect(new Date(benLots[0].expires_at!).toISOString()).toBe("2029-06-30T00:00:00.000Z")

      expect(await tierOf(ada)).toBe(gold.id)
      const [account] = await pointsService(container).listAccounts({ customer_id: ada }, { take: 1 })
      expect([account!.birthday_month, account!.birthday_day]).toEqual([5, 27])

      // A second import of the same file changes nothing.
      const entriesBefore = (await ledgerTotals(container, ada))!.entries.length
      const second = await upload(GENERIC, { dry_run: false })
      expect(second.id).not.toBe(report.id)
      expect(second).toMatchObject({
        status: "done",
        rows_matched: 3,
        rows_imported: 0,
        rows_already: 3,
        points: 0,
        points_already: 1550,
        tiers_set: 0,
        birthdays_set: 0,
      })
      expect(await balanceOf(ada)).toBe(1300)
      expect(await balanceOf(ben)).toBe(350)
      expect((await ledgerTotals(container, ada))!.entries.length).toBe(entriesBefore)
      // The dry run of a file already imported says so too.
      expect(await upload(GENERIC, { dry_run: true })).toMatchObject({ rows_already: 3, points: 0, points_already: 1550 })
    })

    it("a changed file of members already imported (a row fixed, columns reordered) credits nobody twice: they are skipped and reported; repeat_members credits them again", async () => {
      const cho = members["cho@import.test"]
      const dan = members["dan@import.test"]
      // The first export: Dan's second row is bad and is not imported.
      const FIRST = ["email,points", "cho@import.test,100", "dan@import.test,200", "dan@import.test,4o", ""].join("\n")
      const first = await upload(FIRST, { dry_run: false })
      expect(first).toMatchObject({ rows_imported: 2, points: 300, rows_bad: 1 })
      expect([await balanceOf(cho), await balanceOf(dan)]).toEqual([150, 250])

      // The merchant fixes the bad row and re-exports with the columns in another order: other bytes, another key.
      const FIXED = ["points,email", "100,cho@import.test", "200,dan@import.test", "40,dan@import.test", ""].join("\n")
      const earlier = {
        members_earlier: 2,
        rows_earlier: 3,
        points_earlier: 340,
        rows_imported: 0,
        points: 0,
        earlier_members: [
          { line: 2, email: "cho@import.test", import_id: first.id, imported_at: expect.any(String), points: 100 },
          { line: 3, email: "dan@import.test", import_id: first.id, imported_at: expect.any(String), points: 200 },
        ],
      }
      // The dry run says so ...
      expect(await upload(FIXED, { dry_run: true })).toMatchObject({ ...earlier, repeat_members: false })
      // ... and the import credits nobody twice.
      const second = await upload(FIXED, { dry_run: false })
      expect(second).toMatchObject({ ...earlier, status: "done", repeat_members: false })
      // The date reported is when the first import wrote its entries.
      const at = new Date(second.earlier_members[0].imported_at).getTime()
      expect(at).toBeGreaterThanOrEqual(new Date(first.created_at).getTime())
      expect(at).toBeLessThanOrEqual(new Date(first.finished_at).getTime())
      expect([await balanceOf(cho), await balanceOf(dan)]).toEqual([150, 250])
      expect(await importEntries(dan)).toHaveLength(1)

      // A second batch on purpose: repeat_members credits them again.
      const BATCH2 = ["email,points", "cho@import.test,100", "dan@import.test,200", ""].join("\n")
      const repeat = await upload(BATCH2, { dry_run: false, repeat_members: true })
      expect(repeat).toMatchObject({ repeat_members: true, rows_imported: 2, points: 300, members_earlier: 0, rows_earlier: 0 })
      expect([await balanceOf(cho), await balanceOf(dan)]).toEqual([250, 450])
      // Re-running that key changes nothing (the rows are in the ledger under it), with or without the option.
      expect(await upload(BATCH2, { dry_run: false, repeat_members: true })).toMatchObject({ rows_already: 2, rows_imported: 0 })
      expect(await upload(BATCH2, { dry_run: false })).toMatchObject({ rows_already: 2, rows_imported: 0, members_earlier: 0 })
      expect([await balanceOf(cho), await balanceOf(dan)]).toEqual([250, 450])
    })

    it("without a key the server keys the run by the uploaded content: the same file again changes nothing, whatever its name or date", async () => {
      const cho = members["cho@import.test"]
      const before = await balanceOf(cho)
      const CSV = ["email,points", "cho@import.test,7", ""].join("\n")
      const first = await upload(CSV, { dry_run: false, import_key: null, file_name: "a.csv", repeat_members: true })
      expect(first).toMatchObject({ import_key: sha256(CSV), rows_imported: 1, points: 7 })
      const again = await upload(CSV, { dry_run: false, import_key: null, file_name: "a (1).csv", repeat_members: true })
      expect(again).toMatchObject({ import_key: sha256(CSV), rows_imported: 0, rows_already: 1, points: 0 })
      expect(await balanceOf(cho)).toBe(before + 7)
    })

    it("two different copies of a file uploaded at once credit a member once: the second finds the first's entries under the member's lock", async () => {
      const eve = members["eve@import.test"]
      const copies = [
        ["email,points", "eve@import.test,500", ""].join("\n"),
        ["points,email", "500,eve@import.test", ""].join("\n"),
      ]
      const reports = await Promise.all(copies.map((csv) => upload(csv, { dry_run: false, import_key: null })))
      expect(reports.map((r) => r.rows_imported).sort()).toEqual([0, 1])
      expect(reports.map((r) => r.members_earlier).sort()).toEqual([0, 1])
      expect(await balanceOf(eve)).toBe(550)
      expect(await importEntries(eve)).toHaveLength(1)
    })

    it("refuses what it cannot read with a 400 and writes nothing", async () => {
      const create = async (dry_run: boolean) =>
        (await post(api, "/admin/loyalty/imports", { import_key: "bad-files", dry_run }, admin.headers)).import
      const send = (id: string, body: string, type = "text/csv") =>
        attempt(api.post(`/admin/loyalty/imports/${id}/file`, body, { headers: { ...admin.headers, "content-type": type } }))

      const run = await create(false)
      const unknown = await send(run.id, "name,balance\nada@import.test,10\n")
      expect(unknown.status).toBe(400)
      expect(unknown.data.message).toMatch(/Unknown file format: the header row needs email and points/)
      expect((await get(api, `/admin/loyalty/imports/${run.id}`, admin.headers)).import).toMatchObject({
        status: "failed",
        error: expect.stringMatching(/Unknown file format/),
        rows_total: 0,
      })
      const again = await send(run.id, GENERIC)
      expect(again.status).toBe(400)
      expect(again.data.message).toMatch(/is failed: a file is read once per import/)

      const json = await send((await create(true)).id, JSON.stringify({ email: "x" }), "application/json")
      expect(json.status).toBe(400)
      expect(json.data.message).toMatch(/Content-Type text\/csv/)

      const badKey = await attempt(api.post("/admin/loyalty/imports", { import_key: "a b", dry_run: true }, { headers: admin.headers }))
      expect(badKey.status).toBe(400)
      expect((await attempt(api.get("/admin/loyalty/imports/limp_missing", { headers: admin.headers }))).status).toBe(404)
      expect(await balanceOf(members["ada@import.test"])).toBe(50)
    })

    it("a file whose points add up past 2³¹ finishes with its report; a member it would take past what an account holds gets a bad row, in a dry run across batches too; an adjustment past it is a 400", async () => {
      // 11 + 11 rows of 100,000,000 points for two members and 23 for a third, the third's split
      // by 250 unknown emails into two batches: 4.347 billion points in one run (a 32-bit total
      // would overflow on the first batch). The third member's 22nd row of 100,000,000 would take
      // them past 2,147,483,647: a bad row; their last row (47,000,000) still fits.
      const rows = (email: string, n: number, points = 100_000_000) => Array.from({ length: n }, () => `${email},${points}`)
      const csv = [
        "email,points",
        ...rows("big1@import.test", 11),
        ...rows("big2@import.test", 11),
        ...rows("full@import.test", 11),
        ...Array.from({ length: 250 }, (_, i) => `nobody${i}@import.test,1`),
        ...rows("full@import.test", 11),
        ...rows("full@import.test", 1, 47_000_000),
        "",
      ].join("\n")
      const badLine = 1 + 11 + 11 + 11 + 250 + 11
      const expected = {
        status: "done",
        rows_total: 295,
        rows_matched: 44,
        rows_unknown: 250,
        rows_bad: 1,
        points: 4_347_000_000,
        error: null,
        bad_rows: [
          {
            line: badLine,
            reason: "100000000 points would take the member past 2147483647 points, the most an account holds: the row is not imported",
          },
        ],
      }
      expect(await upload(csv, { dry_run: true })).toMatchObject({ ...expected, rows_imported: 0 })
      expect(await balanceOf(members["full@import.test"])).toBe(50)

      const report = await upload(csv, { dry_run: false })
      expect(report).toMatchObject({ ...expected, rows_imported: 44 })
      expect(await balanceOf(members["big1@import.test"])).toBe(1_100_000_050)
      expect(await balanceOf(members["big2@import.test"])).toBe(1_100_000_050)
      const full = members["full@import.test"]
      expect(await balanceOf(full)).toBe(2_147_000_050)
      expect(await importEntries(full)).toHaveLength(22)

      // An adjustment past what an account holds is a 400 that says so, and changes nothing; up to it is fine.
      const adjust = (points: number) =>
        attempt(api.post(`/admin/loyalty/accounts/${full}/adjustments`, { points, reason: "goodwill" }, { headers: admin.headers }))
      const over = await adjust(1_000_000)
      expect({ status: over.status, message: (over.data as { message: string }).message }).toEqual({
        status: 400,
        message: "Too many points: the balance would be 2148000050, more than the 2147483647 an account can hold",
      })
      expect(await balanceOf(full)).toBe(2_147_000_050)
      expect((await adjust(483_597)).status).toBe(200)
      expect(await balanceOf(full)).toBe(2_147_483_647)
      expect((await adjust(1)).status).toBe(400)
      expect(await balanceOf(full)).toBe(2_147_483_647)
    })

    it.each([
      ["smile.csv", "smile", { "ada.smile@example.com": 1250, "ben.smile@example.com": 350 }, { unknown: 1, bad: 0 }],
      ["loyaltylion.csv", "loyaltylion", { "ada.lion@example.com": 850, "ben.lion@example.com": 300 }, { unknown: 0, bad: 1 }],
      ["yotpo.csv", "yotpo", { "ada.yotpo@example.com": 690, "ben.yotpo@example.com": 50 }, { unknown: 0, bad: 0 }],
    ])("imports a %s export (%s columns)", async (file, format, balances, counts) => {
      const csv = readFileSync(join(FIXTURES, file), "utf8")
      const report = await upload(csv, { dry_run: false, file_name: file })
      expect(report).toMatchObject({ status: "done", format, rows_unknown: counts.unknown, rows_bad: counts.bad, tiers_set: 1 })
      for (const [email, balance] of Object.entries(balances)) {
        expect(await balanceOf(members[email])).toBe(balance)
      }
      const ada = members[Object.keys(balances)[0]]
      expect(await tierOf(ada)).toBe(gold.id)
      expect((await pointsService(container).listAccounts({ customer_id: ada }, { take: 1 }))[0].birthday_month).not.toBeNull()
    })
  },
})
