import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"

export const expireLotsStepId = "loyalty-expire-lots-step"

/**
 * Empty these lots (one page of the expiry pass) if they are still past
 * their date, one entry per lot keyed `expire:lot:<id>`, so a second run, or
 * two workers at once, expire nothing twice. The page is one transaction of
 * a few statements (the points module's `expireLots`): it is written whole
 * or not at all. What it returns and keeps for its compensation is this
 * page's entries only.
 */
export const expireLotsStep = createStep(
  expireLotsStepId,
  async (input: { now: Date; lot_ids: string[] }, { container }) => {
    const results: PostingResult[] = await pointsService(container).expireLots(input.lot_ids, new Date(input.now))
    return new StepResponse(
      results,
      results.map((result) => result.entry.id)
    )
  },
  async (entryIds, { container }) => {
    await pointsService(container).revertEntries(entryIds ?? [], "Expiry rolled back")
  }
)
