import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import type { Readable } from "stream"
import type { InferTypeOf } from "@medusajs/framework/types"
import { RowProblem } from "../../lib/imports/formats"
import { pointsValue } from "../../lib/imports/plan"
import { ImportFormatError, readImportBatches } from "../../lib/imports/reader"
import { addMonths } from "../../lib/shared/dates"
import type MemberImport from "../../modules/loyalty-points/models/member-import"
import { pointsService } from "../points/steps/resolve-service"
import { setTierOverrideWorkflow } from "../tiers/set-tier-override"
import {
  finishMemberImportWorkflow,
  importMemberBatchWorkflow,
  recordMemberImportProgressWorkflow,
  setMemberImportKeyWorkflow,
  startMemberImportWorkflow,
} from "./import-members"
import { spoolUpload, SpooledUpload } from "./spool-upload"

export type MemberImportRecord = InferTypeOf<typeof MemberImport>

/** Rows per batch: one transaction, its accounts locked for well under the lock timeout. */
export const IMPORT_BATCH_SIZE = 250

/** How long an imported tier holds (as an override) before the member's earned tier takes over. */
export const IMPORTED_TIER_MONTHS = 12

export type RunMemberImportOptions = {
  batch_size?: number
  now?: Date
}

/**
 * Read an import run's CSV file from a stream and process it batch by batch:
 * each batch is one `importMemberBatchWorkflow` (the dry run plans only), then
 * each tier the batch sets is one `setTierOverrideWorkflow`. One batch is in
 * memory at a time, plus one counter per email (for members with several
 * rows) and, in a dry run, the points planned per email: a later batch
 * measures what a member's account can still take against them (a real
 * run's are in the accounts). The run's row holds the figures as they
 * grow, for the admin page's progress bar, and ends `done` with the money
 * value of the points, or `failed` with the reason. A run created without a
 * key is keyed here by the SHA-256 of the content uploaded: the upload is
 * spooled to a temporary file while it is hashed, then read from there (the
 * rows' ledger keys start with the import key, known only once the whole
 * upload is in). A file that is no known format is a 400
 * (INVALID_DATA) after the run is marked failed; nothing was written then.
 * Used by `POST /admin/loyalty/imports/:id/file` and `src/scripts/import-members.ts`.
 */
export async function runMemberImport(
  container: MedusaContainer,
  id: string,
  source: Readable,
  options: RunMemberImportOptions = {}
): Promise<MemberImportRecord> {
  const points = pointsService(container)
  const run = await points.retrieveMemberImport(id)
  await startMemberImportWorkflow(container).run({ input: id })
  const now = options.now ?? new Date()
  const plannedSoFar = new Map<string, number>()
  let failure: Error | null = null
  let spooled: SpooledUpload | null = null
  try {
    let importKey = run.import_key
    let rows: Readable = source
    if (!importKey) {
      spooled = await spoolUpload(source)
      importKey = spooled.sha256
      await setMemberImportKeyWorkflow(container).run({ input: { id, import_key: importKey } })
      rows = spooled.open()
    }
    for await (const batch of readImportBatches(rows, { batch_size: options.batch_size ?? IMPORT_BATCH_SIZE, now })) {
      const emails = [...new Set(batch.rows.map((row) => row.email))]
      const plannedBefore = run.dry_run
        ? emails.flatMap((email) => (plannedSoFar.has(email) ? [{ email, points: plannedSoFar.get(email)! }] : []))
        : undefined
      const { result } = await importMemberBatchWorkflow(container).run({
        input: {
          import_id: id,
          import_key: importKey,
          dry_run: run.dry_run,
          repeat_members: run.repeat_members,
          rows: batch.rows.map((row) => ({ ...row, expires_at: row.expires_at ? row.expires_at.toISOString() : null })),
          problems: batch.problems,
          format: batch.format.format,
          bytes_read: batch.bytes,
          actor_id: run.actor_id ?? null,
          now: now.toISOString(),
          planned_before: plannedBefore,
        },
      })
      if (run.dry_run) {
        for (const { email, points } of result.planned) plannedSoFar.set(email, (plannedSoFar.get(email) ?? 0) + points)
      }
      let tiersSet = 0
      const notes: RowProblem[] = []
      for (const tier of result.tiers) {
        try {
          await setTierOverrideWorkflow(container).run({
            input: {
              customer_id: tier.customer_id,
              tier_id: tier.tier_id,
              reason: `Imported from ${batch.format.format} (${run.file_name ?? importKey}, line ${tier.line})`,
              actor_id: run.actor_id ?? "import",
              ends_at: addMonths(now, IMPORTED_TIER_MONTHS),
              now,
            },
          })
          tiersSet += 1
        } catch (error) {
          notes.push({ line: tier.line, reason: `tier not set: ${(error as Error).message}` })
        }
      }
      if (tiersSet || notes.length) {
        await recordMemberImportProgressWorkflow(container).run({
          input: { id, delta: { counts: { tiers_set: tiersSet }, lists: { notes } } },
        })
      }
    }
  } catch (error) {
    failure = error as Error
  } finally {
    await spooled?.remove()
  }
  const current = await points.retrieveMemberImport(id)
  const rules = await points.getProgramRules()
  await finishMemberImportWorkflow(container).run({
    input: {
      id,
      status: failure ? "failed" : "done",
      error: failure
        ? failure instanceof ImportFormatError
          ? failure.message
          : `The import stopped: ${failure.message}`
        : null,
      value: failure ? null : pointsValue(current.points, rules.point_values),
      finished_at: new Date().toISOString(),
    },
  })
  if (failure instanceof ImportFormatError) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, failure.message)
  }
  if (failure) throw failure
  return await points.retrieveMemberImport(id)
}
