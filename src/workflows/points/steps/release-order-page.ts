import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "./resolve-service"
import { DueRelease } from "./check-release-page"

export const releaseOrderPageStepId = "loyalty-release-order-page-step"

export type ReleasedPage = {
  /** The release entries written, in the page's order. */
  entry_ids: string[]
  /** Orders whose account another transaction held: left to the per-order release. */
  deferred: string[]
}

/**
 * Release a page of orders set-based, in one transaction of a few
 * statements (the points module's `releaseOrders`): the same entries, lots
 * and figures as releasing each order on its own. What it returns and keeps
 * for its compensation is this page's entry ids only; compensation reverts
 * each of them ("Release rolled back", as the per-order step does), which
 * gives the orders' points back to pending and their keys back to the next run.
 */
export const releaseOrderPageStep = createStep(
  releaseOrderPageStepId,
  async (input: { orders: DueRelease[]; expires_at: Date | null }, { container }) => {
    const { results, deferred } = await pointsService(container).releaseOrders(
      input.orders,
      input.expires_at ? new Date(input.expires_at) : null
    )
    const entryIds = results.map((result) => result.entry.id)
    return new StepResponse<ReleasedPage, string[]>({ entry_ids: entryIds, deferred }, entryIds)
  },
  async (entryIds, { container }) => {
    await pointsService(container).revertEntries(entryIds ?? [], "Release rolled back")
  }
)
