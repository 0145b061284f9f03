import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CreditPosting } from "../../../modules/loyalty-points/types"
import { pointsService } from "../../points/steps/resolve-service"

export const creditImportedPointsStepId = "loyalty-credit-imported-points-step"

export type CreditImportedPointsInput = {
  postings: CreditPosting[]
  import_key: string
  /** The run's `repeat_members`: when false, members an earlier import credited are skipped under their lock. */
  repeat_members: boolean
}

/** A posting skipped because, under the member's lock, an earlier import (another key) had credited them. */
export type RacedEarlierPosting = { idempotency_key: string; import_id: string; imported_at: string; points: number }

/**
 * Credit a batch's imported rows through the ledger's posting path (one
 * transaction, each account under its lock, one entry and one lot per row),
 * skipping members another import credited meanwhile (see
 * `creditImportedPoints`). Compensation reverts the entries this run wrote,
 * not those a previous import had written under the same keys.
 */
export const creditImportedPointsStep = createStep(
  creditImportedPointsStepId,
  async (input: CreditImportedPointsInput, { container }) => {
    const results = input.postings.length ? await pointsService(container).creditImportedPoints(input) : []
    const created = results.filter((r) => r.created)
    const earlier: RacedEarlierPosting[] = results.flatMap((r) =>
      r.earlier
        ? [{ idempotency_key: r.idempotency_key, import_id: r.earlier.import_id, imported_at: r.earlier.imported_at.toISOString(), points: r.earlier.points }]
        : []
    )
    return new StepResponse(
      { created_keys: created.map((r) => r.idempotency_key), earlier },
      created.flatMap((r) => (r.entry_id ? [r.entry_id] : []))
    )
  },
  async (created, { container }) => {
    await pointsService(container).revertEntries(created ?? [], "Import rolled back")
  }
)
