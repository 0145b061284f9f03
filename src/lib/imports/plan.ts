import { MathBN } from "@medusajs/framework/utils"
import { currencyDecimals } from "../points/redemption"
import { IdempotencyKeys } from "../shared/idempotency-keys"
import { Limits } from "../shared/vocabulary"
import { Birthday, ImportRow, RowProblem } from "./formats"

/** A good row with the number of its customer's rows so far in the file (1 for the first). */
export type NumberedRow = ImportRow & { occurrence: number }

/** What the store knows about a batch's emails and customers, read before planning. */
export type ImportFacts = {
  import_key: string
  /** Member customers (`has_account`) by lower-cased email. */
  customers: Map<string, string>
  /** Ledger keys of this import already written (a re-import). */
  existing_keys: Set<string>
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

/** A tier by the name in the file: exact first, then ignoring case and surrounding spaces. */
export function findTierByName<T extends { name: string }>(tiers: T[], name: string): T | null {
  const wanted = name.trim()
  return (
    tiers.find((tier) => tier.name === wanted) ??
    tiers.find((tier) => tier.name.trim().toLowerCase() === wanted.toLowerCase()) ??
    null
  )
}

/**
 * What a batch of rows would do, given what the store knows: a row whose email
 * is no member's is unknown; a row whose key is already in the ledger was
 * imported before and is skipped; every other row with points becomes one
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
    const key = IdempotencyKeys.memberImport(facts.import_key, customerId, row.occurrence)
    const credits = row.points > 0 && !facts.existing_keys.has(key)
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
 * file, so two rows of one member (two lots with different expiries) get two
 * keys and a re-import gives both the same keys again. Keeps one counter per
 * email seen, not the rows.
 */
export class OccurrenceCounter {
  private readonly seen = new Map<string, number>()

  next(email: string): number {
    const n = (this.seen.get(email) ?? 0) + 1
    this.seen.set(email, n)
    return n
  }
}
