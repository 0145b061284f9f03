import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CreditPosting } from "../../../modules/loyalty-points/types"
import { pointsService } from "../../points/steps/resolve-service"

export const creditImportedPointsStepId = "loyalty-credit-imported-points-step"

/**
 * Credit a batch's imported rows through the ledger's posting path (one
 * transaction, each account under its lock, one entry and one lot per row).
 * Compensation reverts the entries this run wrote, not those a previous
 * import had written under the same keys.
 */
export const creditImportedPointsStep = createStep(
  creditImportedPointsStepId,
  async (postings: CreditPosting[], { container }) => {
    const results = postings.length ? await pointsService(container).creditImportedPoints(postings) : []
    const created = results.filter((r) => r.created)
    return new StepResponse(
      { created_keys: created.map((r) => r.idempotency_key) },
      created.map((r) => r.entry_id)
    )
  },
  async (created, { container }) => {
    await pointsService(container).revertEntries(created ?? [], "Import rolled back")
  }
)
