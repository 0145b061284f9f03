import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { CreditPosting, PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"

export const creditPointsBatchStepId = "loyalty-credit-points-batch-step"

/**
 * Credit many accounts in one transaction of a few statements (the points
 * module's `creditPointsBatch`: the entries `creditPointsStep` would write
 * one by one, under the same keys). What it keeps for its compensation is
 * the entries it wrote; compensation takes each back, so a page whose later
 * step fails leaves balances, lots and keys as they were.
 */
export const creditPointsBatchStep = createStep(
  creditPointsBatchStepId,
  async (postings: CreditPosting[], { container }) => {
    const results = await pointsService(container).creditPointsBatch(postings)
    return new StepResponse<PostingResult[], string[]>(
      results,
      results.filter((result) => result.created).map((result) => result.entry.id)
    )
  },
  async (entryIds, { container }) => {
    await pointsService(container).revertEntries(entryIds ?? [], "Credit rolled back")
  }
)
