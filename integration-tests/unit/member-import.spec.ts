import { createReadStream } from "fs"
import { join } from "path"
import { Readable } from "stream"
import {
  detectFormat,
  mapRecord,
  normalizeHeader,
  parseBirthday,
  parseExpiry,
  type ImportColumns,
} from "../../src/lib/imports/formats"
import { findTierByName, ImportFacts, NumberedRow, planImportBatch, pointsValue } from "../../src/lib/imports/plan"
import { ImportBatch, ImportFormatError, readImportBatches } from "../../src/lib/imports/reader"

const NOW = new Date("2026-12-02T12:00:00Z")
const FIXTURES = join(__dirname, "../fixtures/imports")

async function readAll(source: Readable, batchSize = 100): Promise<ImportBatch[]> {
  const batches: ImportBatch[] = []
  for await (const batch of readImportBatches(source, { batch_size: batchSize, now: NOW })) batches.push(batch)
  return batches
}

describe("member import: formats", () => {
  it("normalizes headers the way vendors spell them", () => {
    expect(normalizeHeader("\uFEFFPoints Balance ")).toBe("points_balance")
    expect(normalizeHeader("Birthday (MM/DD) or (MM/DD/YYYY)")).toBe("birthday_mm_dd_or_mm_dd_yyyy")
  })

  it("tells each vendor's export from its header row", () => {
    expect(detectFormat(["email", "points"])).toEqual({
      format: "generic",
      columns: { email: "email", points: "points", tier: null, expires_at: null, birthday: null },
    })
    expect(detectFormat(["Email", "Points balance", "Member status", "VIP tier", "Date of birth"])).toMatchObject({
      format: "smile",
      columns: { email: "Email", points: "Points balance", tier: "VIP tier", birthday: "Date of birth" },
    })
    expect(detectFormat(["Email", "Approved points", "Pending points", "Tier", "Birthday"])).toMatchObject({
      format: "loyaltylion",
      columns: { points: "Approved points", tier: "Tier", birthday: "Birthday" },
    })
    expect(
      detectFormat(["Email", "Points Balance", "Points Spent", "Birthday (MM/DD) or (MM/DD/YYYY)", "VIP Tier Name"])
    ).toMatchObject({
      format: "yotpo",
      columns: { points: "Points Balance", tier: "VIP Tier Name", birthday: "Birthday (MM/DD) or (MM/DD/YYYY)" },
    })
  })

  it("refuses a header it cannot place, saying what it needs", () => {
    expect(detectFormat(["name", "balance"])).toEqual({ error: expect.stringMatching(/needs email and points/) })
    expect(detectFormat(["points"])).toEqual({ error: "The generic file has no email column" })
  })

  it("reads birthdays as the vendors write them, keeping month and day", () => {
    expect(parseBirthday("1004-05-27")).toEqual({ month: 5, day: 27 })
    expect(parseBirthday("1990-11-02")).toEqual({ month: 11, day: 2 })
    expect(parseBirthday("07/04")).toEqual({ month: 7, day: 4 })
    expect(parseBirthday("12/24/1985")).toEqual({ month: 12, day: 24 })
    expect(parseBirthday("--02-29")).toEqual({ month: 2, day: 29 })
    expect(parseBirthday("")).toBeUndefined()
    expect(parseBirthday("13/01")).toBeNull()
    expect(parseBirthday("02-30")).toBeNull()
    expect(parseBirthday("soon")).toBeNull()
  })

  it("reads expiries as ISO dates and refuses impossible ones", () => {
    expect(parseExpiry("2027-06-30")).toEqual(new Date("2027-06-30T00:00:00Z"))
    expect(parseExpiry("2027-06-30T10:00:00+02:00")).toEqual(new Date("2027-06-30T08:00:00Z"))
    expect(parseExpiry("")).toBeUndefined()
    expect(parseExpiry("2027-02-30")).toBeNull()
    expect(parseExpiry("30/06/2027")).toBeNull()
  })

  const generic: ImportColumns = { email: "email", points: "points", tier: "tier", expires_at: "expires_at", birthday: "birthday" }

  it("maps a good record, lower-casing the email", () => {
    expect(
      mapRecord({ email: " Ada@Example.com ", points: "120", tier: "Gold", expires_at: "2027-01-31", birthday: "05-27" }, generic, 2, NOW)
    ).toEqual({
      line: 2,
      email: "ada@example.com",
      email_as_written: "Ada@Example.com",
      points: 120,
      tier: "Gold",
      expires_at: new Date("2027-01-31T00:00:00Z"),
      birthday: { month: 5, day: 27 },
    })
  })

  it.each([
    [{ email: "", points: "1" }, "email is empty"],
    [{ email: "nope", points: "1" }, 'email "nope" is not an email address'],
    [{ email: "a@b.co", points: "" }, "points is empty"],
    [{ email: "a@b.co", points: "-5" }, /not a whole number/],
    [{ email: "a@b.co", points: "1,200" }, /not a whole number/],
    [{ email: "a@b.co", points: "12.5" }, /not a whole number/],
    [{ email: "a@b.co", points: "100000001" }, /more than 100000000/],
    [{ email: "a@b.co", points: "5", expires_at: "2020-01-01" }, "expires_at 2020-01-01 is in the past"],
    [{ email: "a@b.co", points: "5", expires_at: "tomorrow" }, /not an ISO date/],
    [{ email: "a@b.co", points: "5", birthday: "31/31" }, /birthday "31\/31" is not a date/],
    // Postgres stores no NUL: a cell holding one is the row's problem, said without the NUL (a UTF-16 file has them everywhere).
    [{ email: "a\u0000@b.co", points: "5" }, "email holds a NUL character: save the file as UTF-8 text"],
    [{ email: "a@b.co", points: "5", tier: "Gold\u0000" }, "tier holds a NUL character: save the file as UTF-8 text"],
  ])("refuses %j with a reason", (record, reason) => {
    const result = mapRecord(record, generic, 7, NOW)
    expect(result).toEqual({ line: 7, reason: expect.anything() })
    expect("reason" in result && result.reason).toEqual(typeof reason === "string" ? reason : expect.stringMatching(reason))
  })
})

describe("member import: planning a batch", () => {
  const row = (line: number, email: string, points: number, extra: Partial<NumberedRow> = {}): NumberedRow => ({
    line,
    email,
    email_as_written: email,
    points,
    tier: null,
    expires_at: null,
    birthday: null,
    occurrence: 1,
    content_occurrence: 1,
    ...extra,
  })
  const facts = (over: Partial<ImportFacts> = {}): ImportFacts => ({
    import_key: "k1",
    customers: new Map([
      ["ada@x.com", "cus_ada"],
      ["ben@x.com", "cus_ben"],
    ]),
    existing_keys: new Set(),
    earlier: new Map(),
    repeat_members: false,
    tiers: [{ id: "tier_gold", name: "Gold" }],
    birthdays_set: new Set(),
    current_tiers: new Map(),
    default_expiry: new Date("2027-12-02T12:00:00Z"),
    room: new Map(),
    ...over,
  })

  it("credits matched rows (one posting each, the program's expiry when the row has none) and lists unknown emails", () => {
    const plan = planImportBatch(
      [
        row(2, "ada@x.com", 100, { expires_at: new Date("2027-03-01T00:00:00Z") }),
        row(3, "ada@x.com", 50, { occurrence: 2 }),
        row(4, "zed@x.com", 70),
      ],
      [{ line: 5, reason: "email is empty" }],
      facts()
    )
    expect(plan).toMatchObject({ rows: 4, matched: 2, already: 0, points: 150, unknown: [{ line: 4, email: "zed@x.com" }] })
    expect(plan.bad).toEqual([{ line: 5, reason: "email is empty" }])
    expect(plan.postings).toEqual([
      { line: 2, customer_id: "cus_ada", points: 100, expires_at: new Date("2027-03-01T00:00:00Z"), idempotency_key: "import:k1:cus_ada:100pt" },
      { line: 3, customer_id: "cus_ada", points: 50, expires_at: new Date("2027-12-02T12:00:00Z"), idempotency_key: "import:k1:cus_ada:50pt" },
    ])
  })

  it("makes a row bad when it would take its member past what an account holds; the member's rows that still fit go in", () => {
    const plan = planImportBatch(
      [
        row(2, "ada@x.com", 100_000_000),
        row(3, "ada@x.com", 100_000_000, { occurrence: 2, tier: "Gold" }),
        row(4, "ada@x.com", 50, { occurrence: 3 }),
        row(5, "ben@x.com", 100_000_000),
      ],
      [],
      facts({ room: new Map([["cus_ada", 100_000_050]]) })
    )
    expect(plan).toMatchObject({ rows: 4, matched: 3, points: 200_000_050 })
    expect(plan.bad).toEqual([
      { line: 3, reason: "100000000 points would take the member past 2147483647 points, the most an account holds: the row is not imported" },
    ])
    expect(plan.postings.map((p) => p.line)).toEqual([2, 4, 5])
    // The bad row's tier is not set either: nothing of a bad row is imported.
    expect(plan.tiers).toEqual([])
    expect(plan.planned).toEqual({ "ada@x.com": 100_000_050, "ben@x.com": 100_000_000 })
  })

  it("skips rows whose key is already in the ledger: a re-import writes nothing", () => {
    const plan = planImportBatch([row(2, "ada@x.com", 100)], [], facts({ existing_keys: new Set(["import:k1:cus_ada:100pt"]) }))
    expect(plan).toMatchObject({ matched: 1, already: 1, points: 0, points_already: 100, postings: [] })
    // A row an import wrote before rows were keyed by content (by position) counts as imported too.
    const legacy = planImportBatch([row(2, "ada@x.com", 100)], [], facts({ existing_keys: new Set(["import:k1:cus_ada"]) }))
    expect(legacy).toMatchObject({ already: 1, postings: [] })
  })

  it("keys a row by its content: a corrected file under the same key, with a member's rows reordered or one removed, credits only what is new", () => {
    // The first file: Ada 100 then 50 then 50 again (another lot), all imported under k1.
    const imported = new Set([
      "import:k1:cus_ada:100pt",
      "import:k1:cus_ada:50pt",
      "import:k1:cus_ada:50pt:2",
    ])
    // The corrected file: the 100 row removed, one 50 row first, and a fixed row of 70.
    const plan = planImportBatch(
      [
        row(2, "ada@x.com", 50, { occurrence: 1, content_occurrence: 1 }),
        row(3, "ada@x.com", 70, { occurrence: 2, content_occurrence: 1 }),
        row(4, "ada@x.com", 50, { occurrence: 3, content_occurrence: 2 }),
      ],
      [],
      facts({ existing_keys: imported })
    )
    expect(plan).toMatchObject({ already: 2, points_already: 100, points: 70 })
    expect(plan.postings.map((p) => [p.line, p.points, p.idempotency_key])).toEqual([[3, 70, "import:k1:cus_ada:70pt"]])
  })

  it("skips a member an earlier import (another key) credited, whole, and reports them on their first row; repeat_members credits them", () => {
    const earlier = new Map([["cus_ada", { import_id: "limp_1", imported_at: new Date("2026-12-01T09:00:00Z"), points: 150 }]])
    const rows = [
      row(2, "ada@x.com", 100, { tier: "Gold", birthday: { month: 5, day: 27 } }),
      row(3, "ben@x.com", 10),
      row(4, "ada@x.com", 40, { occurrence: 2 }),
    ]
    const plan = planImportBatch(rows, [], facts({ earlier }))
    expect(plan).toMatchObject({
      matched: 3,
      members_earlier: 1,
      rows_earlier: 2,
      points_earlier: 140,
      points: 10,
      earlier_members: [{ line: 2, email: "ada@x.com", import_id: "limp_1", imported_at: "2026-12-01T09:00:00.000Z", points: 150 }],
      tiers: [],
      birthdays: [],
    })
    expect(plan.postings.map((p) => p.customer_id)).toEqual(["cus_ben"])
    // A later batch of the same file counts the member once (their first row was in an earlier batch).
    expect(planImportBatch([row(9, "ada@x.com", 5, { occurrence: 3 })], [], facts({ earlier }))).toMatchObject({
      members_earlier: 0,
      rows_earlier: 1,
      earlier_members: [],
    })

    const repeat = planImportBatch(rows, [], facts({ earlier, repeat_members: true }))
    expect(repeat).toMatchObject({ members_earlier: 0, rows_earlier: 0, points: 150, earlier_members: [] })
    expect(repeat.tiers).toEqual([{ line: 2, customer_id: "cus_ada", tier_id: "tier_gold" }])
  })

  it("sets an existing tier the member is not in, notes a tier that does not exist, keeps a birthday already set", () => {
    const plan = planImportBatch(
      [
        row(2, "ada@x.com", 0, { tier: "gold ", birthday: { month: 5, day: 27 } }),
        row(3, "ben@x.com", 10, { tier: "Platinum", birthday: { month: 1, day: 2 } }),
      ],
      [],
      facts({ birthdays_set: new Set(["cus_ben"]) })
    )
    expect(plan.postings.map((p) => p.customer_id)).toEqual(["cus_ben"])
    expect(plan.tiers).toEqual([{ line: 2, customer_id: "cus_ada", tier_id: "tier_gold" }])
    expect(plan.birthdays).toEqual([{ customer_id: "cus_ada", month: 5, day: 27 }])
    expect(plan.notes).toEqual([
      { line: 3, reason: 'tier "Platinum" does not exist here: the tier is left as it is' },
      { line: 3, reason: "the member's birthday is already set: it is kept" },
    ])
    const again = planImportBatch([row(2, "ada@x.com", 0, { tier: "Gold" })], [], facts({ current_tiers: new Map([["cus_ada", "tier_gold"]]) }))
    expect(again.tiers).toEqual([])
  })

  it("finds tiers by exact name first", () => {
    const tiers = [{ name: "gold" }, { name: "Gold" }]
    expect(findTierByName(tiers, "Gold")).toBe(tiers[1])
    expect(findTierByName(tiers, "GOLD")).toBe(tiers[0])
    expect(findTierByName(tiers, "Silver")).toBeNull()
  })

  it("values points in each currency to its precision, without floats", () => {
    expect(pointsValue(12345, { eur: 0.01, jpy: 1.5, usd: 0 })).toEqual({ eur: "123.45", jpy: "18518" })
    expect(pointsValue(3, { eur: 0.1 })).toEqual({ eur: "0.30" })
  })
})

describe("member import: streaming reader (csv-parse)", () => {
  it("batches a file's rows with their line numbers and numbers a member's repeated rows, and their rows with the same points", async () => {
    const csv = "email,points\na@x.com,1\nb@x.com,oops\na@x.com,3\n\nc@x.com,4\na@x.com,1\n"
    const batches = await readAll(Readable.from([csv]), 2)
    expect(batches.map((b) => [b.rows.map((r) => [r.line, r.email, r.occurrence, r.content_occurrence]), b.problems])).toEqual([
      [[[2, "a@x.com", 1, 1]], [{ line: 3, reason: 'points "oops" is not a whole number of points (no signs, decimals or separators)' }]],
      [[[4, "a@x.com", 2, 1], [6, "c@x.com", 1, 1]], []],
      [[[7, "a@x.com", 3, 2]], []],
    ])
    expect(batches[1].format.format).toBe("generic")
    expect(batches[2].bytes).toBe(Buffer.byteLength(csv))
  })

  it("reports a record csv-parse cannot read as a bad row and goes on", async () => {
    const batches = await readAll(Readable.from(['email,points\nx@y.com,1\n"a@b.com,2\n']))
    const problems = batches.flatMap((b) => b.problems)
    const rows = batches.flatMap((b) => b.rows)
    expect(rows.map((r) => r.email)).toEqual(["x@y.com"])
    expect(problems).toEqual([{ line: expect.any(Number), reason: expect.stringMatching(/^unreadable CSV: /) }])
  })

  it("refuses an unknown header and an empty file with a clear error", async () => {
    await expect(readAll(Readable.from(["name,balance\nx,1\n"]))).rejects.toThrow(ImportFormatError)
    await expect(readAll(Readable.from(["name,balance\nx,1\n"]))).rejects.toThrow(/needs email and points/)
    await expect(readAll(Readable.from([""]))).rejects.toThrow("The file is empty: it needs a header row")
  })

  it.each([
    ["smile.csv", "smile", ["ada.smile@example.com", "ben.smile@example.com", "cy.unknown@example.com"], 0],
    ["loyaltylion.csv", "loyaltylion", ["ada.lion@example.com", "ben.lion@example.com"], 1],
    ["yotpo.csv", "yotpo", ["ada.yotpo@example.com", "ben.yotpo@example.com"], 0],
  ])("reads the %s fixture as %s", async (file, format, emails, bad) => {
    const batches = await readAll(createReadStream(join(FIXTURES, file)))
    expect(batches[0].format.format).toBe(format)
    expect(batches.flatMap((b) => b.rows.map((r) => r.email))).toEqual(emails)
    expect(batches.flatMap((b) => b.problems)).toHaveLength(bad)
  })
})
