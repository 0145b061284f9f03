import { RowProblem } from "./formats"
import { EarlierMember } from "./plan"

/** An import run's lists, typed (the run stores them as JSON). */
export type ImportReportLists = {
  unknown_emails: { line: number; email: string }[]
  bad_rows: RowProblem[]
  notes: RowProblem[]
  /** Members skipped because an earlier import (another key) credited them. */
  earlier_members: EarlierMember[]
  /** Money value of the run's points per currency, decimal strings. */
  value: Record<string, string>
}

const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : [])

/** The lists of a stored import run, as arrays (empty when none). */
export function reportLists(run: {
  unknown_emails?: unknown
  bad_rows?: unknown
  notes?: unknown
  earlier_members?: unknown
  value?: unknown
}): ImportReportLists {
  return {
    unknown_emails: list(run.unknown_emails),
    bad_rows: list(run.bad_rows),
    notes: list(run.notes),
    earlier_members: list(run.earlier_members),
    value: run.value && typeof run.value === "object" && !Array.isArray(run.value) ? (run.value as Record<string, string>) : {},
  }
}
