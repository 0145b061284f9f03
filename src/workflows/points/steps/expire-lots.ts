import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { forEachPage } from "../../../lib/shared/pages"
import { PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"

export const expireLotsStepId = "loyalty-expire-lots-step"

const BATCH = 500

/**
 * Empty every lot past its date, in batches, one entry per lot. Each lot is
 * its own transaction keyed `expire:lot:<id>`, so a second run, or two
 * workers at once, expire nothing twice.
 */
export const expireLotsStep = createStep(
  expireLotsStepId,
  async (input: { now: Date }, { container }) => {
    const service = pointsService(container)
    const now = new Date(input.now)
    const results: PostingResult[] = []
    let seen = new Set<string>()
    await forEachPage(
      async () => (await service.listExpiredLots(now, BATCH)).filter((lot) => !seen.has(lot.id)),
      async (lots) => {
        for (const lot of lots) {
          seen.add(lot.id)
          const result = await service.expireLot(lot.id, now)
          if (result?.created) results.push(result)
        }
        if (seen.size > 1_000_000) seen = new Set()
      },
      { size: BATCH, until: "empty" }
    )
    return new StepResponse(
      results,
      results.map((result) => result.entry.id)
    )
  },
  async (entryIds, { container }) => {
    for (const id of entryIds ?? []) {
      await pointsService(container).revertEntry(id, "Expiry rolled back")
    }
  }
)
