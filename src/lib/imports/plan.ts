import { MathBN } from "@medusajs/framework/utils"
import { currencyDecimals } from "../points/redemption"
import { IdempotencyKeys } from "../shared/idempotency-keys"
import { Limits } from "../shared/vocabulary"
import { Birthday, ImportRow, RowProblem } from "./formats"

/**
 * A good row, numbered: `occurrence` counts its email's rows so far in the
 * file (1 for the member's first row), `content_occurrence` its email's rows
 * with the same points so far (the row's key: see `IdempotencyKeys.memberImport`).
 */
export type NumberedRow = ImportRow & { occurrence: number; content_occurrence: number }

/**
 * What an earlier import (another import key) credited a member: the latest
 * such run and the points all of them credited. A member listed here has no
 * row under the current key yet.
 */
export type EarlierImport = { import_id: string; imported_at: Date; points: number }

/** A member skipped because an earlier import credited them, on the member's first row of the file. */
export type EarlierMember = { line: number; email: string; import_id: string; imported_at: string; points: number }

/** What the store knows about a batch's emails and customers, read before planning. */
export type ImportFacts = {
  import_key: string
  /** Member customers (`has_account`) by lower-cased email. */
  customers: Map<string, string>
  /** Ledger keys of this import already written (a re-import), in either key format. */
  existing_keys: Set<string>
  /**
   * Members credited by an earlier import under another key and by none
   * under this one: a changed copy of a file already imported (another hash)
   * finds them here.
   */
  earlier: Map<string, EarlierImport>
  /** Credit the members in `earlier` anyway (the merchant imports a second batch on purpose). */
  repeat_members: boolean
  /** Tiers by name as the merchant named them. */
  tiers: { id: string; name: string }[]
  /** Customers whose birthday is already set (the shopper's own stays). */
  birthdays_set: Set<string>
  /** Each customer's tier in effect now (null = none). */
  current_tiers: Map<string, string | null>
  /** The lot expiry of rows that name none: the program's expiry from the day of the import. */
  default_expiry: Date | null
  /**
   * Points each member's account can still take (`creditRoom`, less what
   * this run planned for them in earlier batches of a dry run); a member
   * missing here has an empty account: `Limits.account_points`.
   */
  room: Map<string, number>
}

export type PlannedPosting = {
  line: number
  customer_id: string
  points: number
  expires_at: Date | null
  idempotency_key: string
}

export type BatchPlan = {
  rows: number
  matched: number
  /** Rows of this import already in the ledger: a re-import skips them. */
  already: number
  /** Points the import writes (new rows only). */
  points: number
  points_already: number
  /** Members skipped for an earlier import (counted on their first row in the file), their rows and points. */
  members_earlier: number
  rows_earlier: number
  points_earlier: number
  earlier_members: EarlierMember[]
  unknown: { line: number; email: string }[]
  bad: RowProblem[]
  /** Imported, but with something left out (a tier that does not exist, a birthday already set). */
  notes: RowProblem[]
  postings: PlannedPosting[]
  birthdays: ({ customer_id: string } & Birthday)[]
  tiers: { line: number; customer_id: string; tier_id: string }[]
  /** Points planned per email (lower-cased): a dry run counts them against the member's room in later batches. */
  planned: Record<string, number>
}

/**
 * Which members an earlier import credited, from their standing import
 * credits per run: a member with any credit under the current key is this
 * import's already (a re-run finishes it, their rows are matched by key);
 * a member with credits only under other keys is listed with the latest of
 * those runs (its first entry's time) and the points all of them credited.
 */
export function earlierImports(
  credits: { customer_id: string; import_id: string | null; same_key: boolean; points: number | string; imported_at: Date | string }[]
): Map<string, EarlierImport> {
  const current = new Set(credits.filter((c) => c.same_key).map((c) => c.customer_id))
  const earlier = new Map<string, EarlierImport>()
  for (const credit of credits) {
    if (credit.same_key || current.has(credit.customer_id)) continue
    const at = new Date(credit.imported_at)
    const points = Number(credit.points)
    const seen = earlier.get(credit.customer_id)
    if (!seen) {
      earlier.set(credit.customer_id, { import_id: credit.import_id ?? "", imported_at: at, points })
    } else {
      const later = at > seen.imported_at
      earlier.set(credit.customer_id, {
        import_id: later ? (credit.import_id ?? "") : seen.import_id,
        imported_at: later ? at : seen.imported_at,
        points: seen.points + points,
      })
    }
  }
  return earlier
}

/** A tier by the name in the file: exact first, then ignoring case and surrounding spaces. */
export function findTierByName<T extends { name: string }>(tiers: T[], name: string): T | null {
  const wanted = name.trim()
  return (
    tiers.find((tier) => tier.name === wanted) ??
    tiers.find((tier) => tier.name.trim().toLowerCase() === wanted.toLowerCase()) ??
    null
  )
}

/** The ledger keys that mean "this row is imported": its key by content, and the positional key older runs wrote. */
export function importRowKeys(importKey: string, customerId: string, row: NumberedRow): { key: string; legacy: string } {
  return {
    key: IdempotencyKeys.memberImport(importKey, customerId, row.points, row.content_occurrence),
    legacy: IdempotencyKeys.memberImportByPosition(importKey, customerId, row.occurrence),
  }
}

/**
 * What a batch of rows would do, given what the store knows: a row whose email
 * is no member's is unknown; a member an earlier import (another key) already
 * credited is skipped whole (points, tier, birthday) and reported on their
 * first row, unless the run repeats members on purpose: a changed copy of an
 * imported file has another key, and would otherwise pay everyone twice; a
 * row whose key (by content, or the positional key of older runs) is already
 * in the ledger was imported before and is skipped; every other row with points becomes one
 * credit and one lot (its expiry, else the program's). A tier is set when the
 * named tier exists and the member is not in it already; a birthday when the
 * member has none yet. A row whose points would take its member past what an
 * account holds (`facts.room`, used up row by row) is bad, and nothing of it
 * is imported: the member's later rows that still fit go in. Bad rows
 * (already found by `mapRecord`) pass through.
 */
export function planImportBatch(rows: NumberedRow[], problems: RowProblem[], facts: ImportFacts): BatchPlan {
  const plan: BatchPlan = {
    rows: rows.length + problems.length,
    matched: 0,
    already: 0,
    points: 0,
    points_already: 0,
    members_earlier: 0,
    rows_earlier: 0,
    points_earlier: 0,
    earlier_members: [],
    unknown: [],
    bad: [...problems],
    notes: [],
    postings: [],
    birthdays: [],
    tiers: [],
    planned: {},
  }
  const birthdaysPlanned = new Set<string>()
  const room = new Map(facts.room)
  for (const row of rows) {
    const customerId = facts.customers.get(row.email)
    if (!customerId) {
      plan.unknown.push({ line: row.line, email: row.email })
      continue
    }
    const earlier = facts.repeat_members ? undefined : facts.earlier.get(customerId)
    if (earlier) {
      plan.matched += 1
      plan.rows_earlier += 1
      plan.points_earlier += row.points
      if (row.occurrence === 1) {
        plan.members_earlier += 1
        plan.earlier_members.push({
          line: row.line,
          email: row.email,
          import_id: earlier.import_id,
          imported_at: earlier.imported_at.toISOString(),
          points: earlier.points,
        })
      }
      continue
    }
    const { key, legacy } = importRowKeys(facts.import_key, customerId, row)
    const credits = row.points > 0 && !facts.existing_keys.has(key) && !facts.existing_keys.has(legacy)
    if (credits) {
      const left = room.get(customerId) ?? Limits.account_points
      if (row.points > left) {
        plan.bad.push({
          line: row.line,
          reason: `${row.points} points would take the member past ${Limits.account_points} points, the most an account holds: the row is not imported`,
        })
        continue
      }
      room.set(customerId, left - row.points)
    }
    plan.matched += 1
    if (row.points > 0) {
      if (!credits) {
        plan.already += 1
        plan.points_already += row.points
      } else {
        plan.points += row.points
        plan.planned[row.email] = (plan.planned[row.email] ?? 0) + row.points
        plan.postings.push({
          line: row.line,
          customer_id: customerId,
          points: row.points,
          expires_at: row.expires_at ?? facts.default_expiry,
          idempotency_key: key,
        })
      }
    }
    if (row.tier) {
      const tier = findTierByName(facts.tiers, row.tier)
      if (!tier) {
        plan.notes.push({ line: row.line, reason: `tier "${row.tier}" does not exist here: the tier is left as it is` })
      } else if (facts.current_tiers.get(customerId) !== tier.id) {
        plan.tiers = plan.tiers.filter((t) => t.customer_id !== customerId)
        plan.tiers.push({ line: row.line, customer_id: customerId, tier_id: tier.id })
      }
    }
    if (row.birthday) {
      if (facts.birthdays_set.has(customerId)) {
        plan.notes.push({ line: row.line, reason: "the member's birthday is already set: it is kept" })
      } else if (!birthdaysPlanned.has(customerId)) {
        birthdaysPlanned.add(customerId)
        plan.birthdays.push({ customer_id: customerId, ...row.birthday })
      }
    }
  }
  return plan
}

/** Money value of `points` in every currency that has a point value, each rounded to its precision. */
export function pointsValue(points: number, pointValues: Record<string, number>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(pointValues)
      .filter(([, value]) => value > 0)
      .map(([currency, value]) => [currency, MathBN.mult(points, value).toFixed(currencyDecimals(currency))])
  )
}

/**
 * Numbers each row by how many rows of the same email came before it in the
 * file (`occurrence`), and how many of them had the same points
 * (`content_occurrence`): two rows of one member with the same points (two
 * lots with different expiries) get two keys, a re-import gives both the same
 * keys again, and a corrected file whose member's rows were reordered or
 * thinned keeps each remaining row's key. Keeps two counters per email (and
 * amount) seen, not the rows.
 */
export class OccurrenceCounter {
  private readonly seen = new Map<string, number>()
  private readonly seenWithPoints = new Map<string, number>()

  next(email: string, points: number): { occurrence: number; content_occurrence: number } {
    const occurrence = (this.seen.get(email) ?? 0) + 1
    this.seen.set(email, occurrence)
    const content = `${points}\u0000${email}`
    const contentOccurrence = (this.seenWithPoints.get(content) ?? 0) + 1
    this.seenWithPoints.set(content, contentOccurrence)
    return { occurrence, content_occurrence: contentOccurrence }
  }
}
