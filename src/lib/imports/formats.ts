/**
 * The CSV shapes a member import reads, told apart by their header row, and
 * the rules that turn one record into an import row or a reason it is bad.
 * Pure: the streaming reader (csv-parse) hands records here one at a time.
 *
 * Where each vendor's column names come from (see also README, "Moving from
 * another loyalty app"):
 * - Smile.io: the customer export ("Customers → Filter and export", fields
 *   Email, Points balance, Member status, VIP tier) and Smile's customer
 *   object (`email`, `points_balance`, `date_of_birth` where the year 1004
 *   means "no year", `state`, `vip_tier`).
 * - LoyaltyLion: the customer export (Analytics/Manage → Exports → Customers),
 *   whose point columns follow LoyaltyLion's point states: approved points
 *   (spendable), pending points (in their approval period), spent points;
 *   plus Tier, Birthday, Status (Enrolled, Guest, Blocked), Enrollment date.
 * - Yotpo Loyalty & Referrals: the customers CSV (Customers → Export, and the
 *   documented import/export columns Full Name, First Name, Last Name, Email,
 *   Points Balance, Points Spent, "Birthday (MM/DD) or (MM/DD/YYYY)"), with
 *   the VIP tier attribute (`VIP Tier Name`) when exported.
 * - Generic: `email,points[,tier][,expires_at][,birthday]`.
 */

export const IMPORT_FORMATS = ["generic", "smile", "loyaltylion", "yotpo"] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

/** The file's own header names for each field this plugin reads (null = the file has none). */
export type ImportColumns = {
  email: string
  points: string
  tier: string | null
  expires_at: string | null
  birthday: string | null
}

export type DetectedFormat = { format: ImportFormat; columns: ImportColumns }

/** "Points Balance" → "points_balance", "Birthday (MM/DD)" → "birthday_mm_dd"; a UTF-8 BOM is dropped. */
export function normalizeHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, "")
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
}

type FieldAliases = { [K in keyof ImportColumns]: string[] }

/** Per format: which normalized headers mean which field, first match wins. */
const ALIASES: Record<ImportFormat, FieldAliases> = {
  generic: {
    email: ["email"],
    points: ["points"],
    tier: ["tier"],
    expires_at: ["expires_at"],
    birthday: ["birthday"],
  },
  smile: {
    email: ["email"],
    points: ["points_balance"],
    tier: ["vip_tier", "vip_tier_name"],
    expires_at: [],
    birthday: ["date_of_birth", "birthday"],
  },
  loyaltylion: {
    email: ["email", "customer_email"],
    points: ["approved_points", "points_approved"],
    tier: ["tier", "current_tier", "tier_name"],
    expires_at: [],
    birthday: ["birthday", "date_of_birth"],
  },
  yotpo: {
    email: ["email", "email_address"],
    points: ["points_balance", "current_points_balance"],
    tier: ["vip_tier_name", "vip_tier"],
    expires_at: [],
    birthday: ["birthday_mm_dd_or_mm_dd_yyyy", "birthday"],
  },
}

/** Headers only Smile's export has (Yotpo's also has a points balance). */
const SMILE_MARKERS = ["member_status", "date_of_birth"]

/**
 * Which format a header row is: LoyaltyLion by its approved-points column,
 * Smile by its points balance with Smile's member status or date of birth,
 * Yotpo by a points balance otherwise, generic by `email` and `points`.
 * An error message names what is missing when none fits.
 */
export function detectFormat(headers: string[]): DetectedFormat | { error: string } {
  const normalized = headers.map(normalizeHeader)
  const has = (name: string) => normalized.includes(name)
  const format: ImportFormat | null =
    has("approved_points") || has("points_approved")
      ? "loyaltylion"
      : has("points_balance") && SMILE_MARKERS.some(has)
        ? "smile"
        : has("points_balance") || has("current_points_balance")
          ? "yotpo"
          : has("points")
            ? "generic"
            : null
  if (!format) {
    return {
      error:
        "Unknown file format: the header row needs email and points (generic), or the columns of a Smile.io, LoyaltyLion or Yotpo customer export",
    }
  }
  const pick = (aliases: string[]) => {
    for (const alias of aliases) {
      const index = normalized.indexOf(alias)
      if (index >= 0) return headers[index]
    }
    return null
  }
  const aliases = ALIASES[format]
  const email = pick(aliases.email)
  const points = pick(aliases.points)
  if (!email || !points) {
    return { error: `The ${format} file has no ${email ? "points" : "email"} column` }
  }
  return {
    format,
    columns: {
      email,
      points,
      tier: pick(aliases.tier),
      expires_at: pick(aliases.expires_at),
      birthday: pick(aliases.birthday),
    },
  }
}

export type Birthday = { month: number; day: number }

/** What one good record says. */
export type ImportRow = {
  /** The record's first line in the file (the header is line 1). */
  line: number
  /** Trimmed and lower-cased: rows of one member are counted by it. */
  email: string
  /** As written in the file (trimmed): customers are looked up by both spellings. */
  email_as_written: string
  points: number
  tier: string | null
  /** The lot's expiry; null = the program's expiry from the day of the import. */
  expires_at: Date | null
  birthday: Birthday | null
}

export type RowProblem = { line: number; reason: string }

/** At most this many points on one row (the ledger's columns are 32-bit integers). */
export const MAX_ROW_POINTS = 100_000_000

const EMAIL_RE = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/

const daysIn = (month: number) => [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]

function birthdayOf(month: number, day: number): Birthday | null {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month) ? { month, day } : null
}

/**
 * A birthday as the vendors write it: ISO `YYYY-MM-DD` (Smile writes the
 * year 1004 when it is unknown: only month and day are kept anyway),
 * `MM-DD` or `--MM-DD`, or US `MM/DD` and `MM/DD/YYYY` (Yotpo). Only month
 * and day are stored. Empty = no birthday; null = unreadable.
 */
export function parseBirthday(value: string): Birthday | null | undefined {
  const text = value.trim()
  if (!text) return undefined
  let match = /^\d{4}-(\d{1,2})-(\d{1,2})(?:T.*)?$/.exec(text)
  if (match) return birthdayOf(Number(match[1]), Number(match[2]))
  match = /^(?:--)?(\d{1,2})-(\d{1,2})$/.exec(text)
  if (match) return birthdayOf(Number(match[1]), Number(match[2]))
  match = /^(\d{1,2})\/(\d{1,2})(?:\/\d{4})?$/.exec(text)
  if (match) return birthdayOf(Number(match[1]), Number(match[2]))
  return null
}

/**
 * An expiry as ISO 8601: a date (`2027-06-30`, midnight UTC at its start) or
 * a date-time with its offset. Empty = none; null = unreadable.
 */
export function parseExpiry(value: string): Date | null | undefined {
  const text = value.trim()
  if (!text) return undefined
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return null
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text.replace(" ", "T"))
  if (Number.isNaN(date.getTime())) return null
  // 2027-02-30 parses as March 2nd: refuse dates that do not round-trip.
  if (date.toISOString().slice(0, 10) !== text.slice(0, 10) && /^\d{4}-\d{2}-\d{2}$/.test(text)) return null
  return date
}

/**
 * One CSV record → an import row, or the reason it cannot be imported (said
 * so the merchant can fix the cell). Points are whole numbers ≥ 0 without
 * thousands separators; a row of 0 points can still carry a tier or a
 * birthday. An expiry must be after `now`. A cell holding a NUL character
 * (which Postgres cannot store: a file saved as UTF-16 has one in every
 * character) makes the row a problem whose reason does not repeat it.
 */
export function mapRecord(
  record: Record<string, string | undefined>,
  columns: ImportColumns,
  line: number,
  now: Date
): ImportRow | RowProblem {
  const withNul = Object.keys(record).find((name) => record[name]?.includes("\u0000"))
  if (withNul !== undefined) return { line, reason: `${withNul} holds a NUL character: save the file as UTF-8 text` }
  const cell = (name: string | null) => (name ? (record[name] ?? "").trim() : "")
  const written = cell(columns.email)
  const email = written.toLowerCase()
  if (!email) return { line, reason: "email is empty" }
  if (!EMAIL_RE.test(email)) return { line, reason: `email "${email}" is not an email address` }

  const pointsText = cell(columns.points)
  if (!pointsText) return { line, reason: `${columns.points} is empty` }
  if (!/^\d+$/.test(pointsText)) {
    return { line, reason: `${columns.points} "${pointsText}" is not a whole number of points (no signs, decimals or separators)` }
  }
  const points = Number(pointsText)
  if (points > MAX_ROW_POINTS) return { line, reason: `${columns.points} ${pointsText} is more than ${MAX_ROW_POINTS}` }

  const expiry = parseExpiry(cell(columns.expires_at))
  if (expiry === null) {
    return { line, reason: `${columns.expires_at} "${cell(columns.expires_at)}" is not an ISO date (YYYY-MM-DD)` }
  }
  if (expiry && expiry.getTime() <= now.getTime()) {
    return { line, reason: `${columns.expires_at} ${cell(columns.expires_at)} is in the past` }
  }

  const birthday = parseBirthday(cell(columns.birthday))
  if (birthday === null) {
    return { line, reason: `${columns.birthday} "${cell(columns.birthday)}" is not a date (YYYY-MM-DD, MM-DD or MM/DD[/YYYY])` }
  }

  return {
    line,
    email,
    email_as_written: written,
    points,
    tier: cell(columns.tier) || null,
    expires_at: expiry ?? null,
    birthday: birthday ?? null,
  }
}

export const isProblem = (value: ImportRow | RowProblem): value is RowProblem => "reason" in value
