import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"

type PointsService = ReturnType<typeof pointsService>

/**
 * A step that posts one ledger entry through the points module (a credit, a
 * debit, a release, a take-back...) and returns its `PostingResult`. It keeps
 * the entry's id for its compensation only when this run wrote it (not when
 * the key was already posted, nor when `post` posted nothing), and
 * compensation reverts that entry with `rolledBack` as the reason. So the
 * posting steps differ only in what they post and what their rollback says.
 */
export function createPostingStep<I, R extends PostingResult | null>(
  id: string,
  post: (service: PointsService, input: I) => Promise<R>,
  rolledBack: string
) {
  return createStep<I, R, string | null>(
    id,
    async (input, { container }) => {
      const result = await post(pointsService(container), input)
      return new StepResponse<R, string | null>(result, result?.created ? result.entry.id : null)
    },
    async (entryId, { container }) => {
      if (entryId) {
        await pointsService(container).revertEntry(entryId, rolledBack)
      }
    }
  )
}
