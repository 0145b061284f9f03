import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"

export const closeAccountStepId = "loyalty-close-account-step"

/** Forfeit a deleted customer's points and close their account; compensation reopens it and reverts the forfeits. */
export const closeAccountStep = createStep(
  closeAccountStepId,
  async (input: { customer_id: string }, { container }) => {
    const results = await pointsService(container).closeAccount(input.customer_id)
    return new StepResponse<PostingResult[], { customer_id: string; entry_ids: string[] }>(results, {
      customer_id: input.customer_id,
      entry_ids: results.filter((result) => result.created).map((result) => result.entry.id),
    })
  },
  async (undo, { container }) => {
    if (undo) {
      await pointsService(container).reopenAccount(undo.customer_id, undo.entry_ids)
    }
  }
)
