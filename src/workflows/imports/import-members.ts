import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { RowProblem } from "../../lib/imports/formats"
import { ReferenceTypes } from "../../lib/shared/vocabulary"
import { CreditPosting, MemberImportDelta } from "../../modules/loyalty-points/types"
import { creditImportedPointsStep } from "./steps/credit-imported-points"
import { MemberImportRowInput, planMemberImportBatchStep } from "./steps/plan-member-import-batch"
import { recordMemberImportProgressStep } from "./steps/record-member-import-progress"
import { setImportedBirthdaysStep } from "./steps/set-imported-birthdays"
import { createMemberImportStep, CreateMemberImportInput } from "./steps/create-member-import"
import { finishMemberImportStep, FinishMemberImportInput } from "./steps/finish-member-import"
import { startMemberImportStep } from "./steps/start-member-import"

export const createMemberImportWorkflowId = "loyalty-create-member-import"
export const startMemberImportWorkflowId = "loyalty-start-member-import"
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

export type ImportMemberBatchInput = {
  import_id: string
  import_key: string
  dry_run: boolean
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
 * member, what is already imported, what each row does) is read first; a dry
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
      rows: input.rows,
      problems: input.problems,
      now: input.now,
      planned_before: input.planned_before,
    }))
  )

  const credited = when("loyalty-import-credits-points", { input }, ({ input }) => !input.dry_run).then(() =>
    creditImportedPointsStep(
      transform({ input, plan }, ({ input, plan }): CreditPosting[] =>
        plan.postings.map((posting) => ({
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
        }))
      )
    )
  )
  const birthdays = when("loyalty-import-sets-birthdays", { input }, ({ input }) => !input.dry_run).then(() =>
    setImportedBirthdaysStep(transform({ input, plan }, ({ input, plan }) => ({ birthdays: plan.birthdays, now: input.now })))
  )

  const delta = transform({ input, plan, credited, birthdays }, ({ input, plan, credited, birthdays }): MemberImportDelta => {
    const written = new Set(credited?.created_keys ?? [])
    const postedNow = plan.postings.filter((p) => written.has(p.idempotency_key))
    const pointsNow = postedNow.reduce((sum, p) => sum + p.points, 0)
    const lostRace = input.dry_run ? [] : plan.postings.filter((p) => !written.has(p.idempotency_key))
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
        birthdays_set: input.dry_run ? plan.birthdays.length : (birthdays ?? 0),
        tiers_set: input.dry_run ? plan.tiers.length : 0,
      },
      lists: { unknown_emails: plan.unknown, bad_rows: plan.bad, notes: plan.notes },
      bytes_read: input.bytes_read,
      format: input.format,
    }
  })
  recordMemberImportProgressStep(transform({ input, delta }, ({ input, delta }) => ({ id: input.import_id, delta })))

  const tiers = transform({ input, plan }, ({ input, plan }) => (input.dry_run ? [] : plan.tiers))
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
