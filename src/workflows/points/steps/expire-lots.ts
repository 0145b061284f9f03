import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"

export const expireLotsStepId = "loyalty-expire-lots-step"

/**
 * Empty these lots (one page of the expiry pass) if they are still past
 * their date, one entry per lot. Each lot is its own transaction keyed
 * `expire:lot:<id>`, so a second run, or two workers at once, expire nothing
 * twice. What it returns and keeps for its compensation is this page's
 * entries only.
 */
export const expireLotsStep = createStep(
  expireLotsStepId,
  async (input: { now: Date; lot_ids: string[] }, { container }) => {
    const service = pointsService(container)
    const now = new Date(input.now)
    const results: PostingResult[] = []
    for (const lotId of input.lot_ids) {
      const result = await service.expireLot(lotId, now)
      if (result?.created) results.push(result)
    }
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
