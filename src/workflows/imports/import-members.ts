import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { RowProblem } from "../../lib/imports/formats"
import { ReferenceTypes } from "../../lib/shared/vocabulary"
import { CreditPosting, MemberImportDelta } from "../../modules/loyalty-points/types"
import { CreditImportedPointsInput, creditImportedPointsStep } from "./steps/credit-imported-points"
import { MemberImportRowInput, planMemberImportBatchStep } from "./steps/plan-member-import-batch"
import { recordMemberImportProgressStep } from "./steps/record-member-import-progress"
import { setImportedBirthdaysStep } from "./steps/set-imported-birthdays"
import { createMemberImportStep, CreateMemberImportInput } from "./steps/create-member-import"
import { finishMemberImportStep, FinishMemberImportInput } from "./steps/finish-member-import"
import { setMemberImportKeyStep } from "./steps/set-member-import-key"
import { startMemberImportStep } from "./steps/start-member-import"

export const createMemberImportWorkflowId = "loyalty-create-member-import"
export const startMemberImportWorkflowId = "loyalty-start-member-import"
export const setMemberImportKeyWorkflowId = "loyalty-set-member-import-key"
export const importMemberBatchWorkflowId = "loyalty-import-member-batch"
export const recordMemberImportProgressWorkflowId = "loyalty-record-member-import-progress"
export const finishMemberImportWorkflowId = "loyalty-finish-member-import"

/** The ledger reason of every imported credit. */
export const IMPORT_REASON = "import"

/**
 * A member import run (dry run or real), waiting for its file. The run's id
 * is what the admin page polls while the file uploads and is read.
 *
 * @summary Create a member import run.
 */
export const createMemberImportWorkflow = createWorkflow(
  createMemberImportWorkflowId,
  (input: CreateMemberImportInput) => new WorkflowResponse(createMemberImportStep(input))
)

/**
 * Claim a run to read its file: a run reads one file once.
 *
 * @summary Start reading an import run's file.
 */
export const startMemberImportWorkflow = createWorkflow(
  startMemberImportWorkflowId,
  (id: string) => new WorkflowResponse(startMemberImportStep(id))
)

/**
 * Key a run created without a key by the SHA-256 of the content uploaded
 * (computed by the server, `runMemberImport`): the same content gets the same
 * key whatever the file's name or date, and a changed file another key.
 *
 * @summary Set an import run's key from its content.
 */
export const setMemberImportKeyWorkflow = createWorkflow(
  setMemberImportKeyWorkflowId,
  (input: { id: string; import_key: string }) => new WorkflowResponse(setMemberImportKeyStep(input))
)

export type ImportMemberBatchInput = {
  import_id: string
  import_key: string
  dry_run: boolean
  /** The run's `repeat_members`: credit members an earlier import (another key) credited. */
  repeat_members: boolean
  rows: MemberImportRowInput[]
  problems: RowProblem[]
  /** The file's format (recorded on the run with the first batch). */
  format: string
  bytes_read: number
  /** The admin user importing; null from the command line. */
  actor_id: string | null
  now: string
  /** A dry run's points planned in earlier batches for this batch's emails (see `planMemberImportBatchStep`). */
  planned_before?: { email: string; points: number }[]
}

/**
 * One batch of a member import (a few hundred rows). The plan (who is a
 * member, what is already imported, which members an earlier import under
 * another key credited and are skipped unless the run repeats members, what
 * each row does) is read first; a dry
 * run stops there and only adds the plan's figures to the run. The import
 * then credits each new row through the ledger (reason "import", one entry
 * and one lot with the row's expiry, keyed per import, member and row so a
 * re-import writes nothing) and sets birthdays where none is set. Tiers are
 * set after the batch, one `setTierOverrideWorkflow` per member (see
 * `runMemberImport`), since each moves the member's customer group.
 *
 * @summary Dry-run or import one batch of a member file.
 */
export const importMemberBatchWorkflow = createWorkflow(importMemberBatchWorkflowId, (input: ImportMemberBatchInput) => {
  const plan = planMemberImportBatchStep(
    transform({ input }, ({ input }) => ({
      import_key: input.import_key,
      repeat_members: input.repeat_members,
      rows: input.rows,
      problems: input.problems,
      now: input.now,
      planned_before: input.planned_before,
    }))
  )

  const credited = when("loyalty-import-credits-points", { input }, ({ input }) => !input.dry_run).then(() =>
    creditImportedPointsStep(
      transform({ input, plan }, ({ input, plan }): CreditImportedPointsInput => ({
        import_key: input.import_key,
        repeat_members: input.repeat_members,
        postings: plan.postings.map((posting): CreditPosting => ({
          customer_id: posting.customer_id,
          type: "adjust",
          points: posting.points,
          expires_at: posting.expires_at ? new Date(posting.expires_at) : null,
          idempotency_key: posting.idempotency_key,
          reason: IMPORT_REASON,
          actor_type: input.actor_id ? "admin" : "system",
          actor_id: input.actor_id,
          reference_type: ReferenceTypes.IMPORT,
          reference_id: input.import_id,
          details: { import_id: input.import_id, line: posting.line },
        })),
      }))
    )
  )
  const birthdays = when("loyalty-import-sets-birthdays", { input }, ({ input }) => !input.dry_run).then(() =>
    setImportedBirthdaysStep(transform({ input, plan }, ({ input, plan }) => ({ birthdays: plan.birthdays, now: input.now })))
  )

  const delta = transform({ input, plan, credited, birthdays }, ({ input, plan, credited, birthdays }): MemberImportDelta => {
    const written = new Set(credited?.created_keys ?? [])
    // Members another import credited between the plan and their lock: skipped as the plan skips them.
    const raced = new Map((credited?.earlier ?? []).map((e) => [e.idempotency_key, e]))
    const postedNow = plan.postings.filter((p) => written.has(p.idempotency_key))
    const pointsNow = postedNow.reduce((sum, p) => sum + p.points, 0)
    const racedEarlier = plan.postings.filter((p) => raced.has(p.idempotency_key))
    const lostRace = input.dry_run ? [] : plan.postings.filter((p) => !written.has(p.idempotency_key) && !raced.has(p.idempotency_key))
    const emailOfLine = new Map(input.rows.map((row) => [row.line, row.email]))
    const racedMembers = [...new Map(racedEarlier.map((p) => [p.customer_id, p])).values()].map((p) => {
      const found = raced.get(p.idempotency_key)!
      return { line: p.line, email: emailOfLine.get(p.line) ?? "", import_id: found.import_id, imported_at: found.imported_at, points: found.points }
    })
    return {
      counts: {
        rows_total: plan.rows,
        rows_matched: plan.matched,
        rows_unknown: plan.unknown.length,
        rows_bad: plan.bad.length,
        rows_already: plan.already + lostRace.length,
        rows_imported: postedNow.length,
        points: input.dry_run ? plan.points : pointsNow,
        points_already: plan.points_already + lostRace.reduce((sum, p) => sum + p.points, 0),
        members_earlier: plan.members_earlier + racedMembers.length,
        rows_earlier: plan.rows_earlier + racedEarlier.length,
        points_earlier: plan.points_earlier + racedEarlier.reduce((sum, p) => sum + p.points, 0),
        birthdays_set: input.dry_run ? plan.birthdays.length : (birthdays ?? 0),
        tiers_set: input.dry_run ? plan.tiers.length : 0,
      },
      lists: { unknown_emails: plan.unknown, bad_rows: plan.bad, notes: plan.notes, earlier_members: [...plan.earlier_members, ...racedMembers] },
      bytes_read: input.bytes_read,
      format: input.format,
    }
  })
  recordMemberImportProgressStep(transform({ input, delta }, ({ input, delta }) => ({ id: input.import_id, delta })))

  // A member another import credited meanwhile keeps their tier too (their birthday is set only where none was).
  const tiers = transform({ input, plan, credited }, ({ input, plan, credited }) => {
    if (input.dry_run) return []
    const racedKeys = new Set((credited?.earlier ?? []).map((e) => e.idempotency_key))
    const racedCustomers = new Set(plan.postings.filter((p) => racedKeys.has(p.idempotency_key)).map((p) => p.customer_id))
    return plan.tiers.filter((tier) => !racedCustomers.has(tier.customer_id))
  })
  const planned = transform({ plan }, ({ plan }) => Object.entries(plan.planned).map(([email, points]) => ({ email, points })))
  return new WorkflowResponse({ tiers, planned })
})

/**
 * Add figures to a run outside a batch (the tiers set after it).
 *
 * @summary Record member import progress.
 */
export const recordMemberImportProgressWorkflow = createWorkflow(
  recordMemberImportProgressWorkflowId,
  (input: { id: string; delta: MemberImportDelta }) => {
    recordMemberImportProgressStep(input)
    return new WorkflowResponse(input.id)
  }
)

/**
 * Close a run: done with the money value of its points, or failed with the
 * reason (a file that is no known format, a read error).
 *
 * @summary Finish a member import run.
 */
export const finishMemberImportWorkflow = createWorkflow(
  finishMemberImportWorkflowId,
  (input: FinishMemberImportInput) => new WorkflowResponse(finishMemberImportStep(input))
)
