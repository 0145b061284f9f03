import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OrderEarning } from "../../../lib/points/order-points"
import { IdempotencyKeys } from "../../../lib/shared/idempotency-keys"
import { ReferenceTypes } from "../../../lib/shared/vocabulary"
import { OrderFactInput, PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"

export const recordOrderAwardsStepId = "loyalty-record-order-awards-step"

export type RecordedAwards = {
  /** One per award, in the page's order; `created` false for an order that had earned already. */
  results: PostingResult[]
  /** Orders whose customer's account is closed: nothing written, left to the per-order award. */
  deferred: string[]
}

type AwardsUndo = { entry_ids: string[]; fact_ids: string[] }

/**
 * Write a page of orders' pending points and what earning read of each
 * (`orderFacts`) in one transaction of a few statements (the points module's
 * `recordOrderAwards`): what `recordOrderEarningStep` writes for each order,
 * under the same key (`earn:order:<id>`), reference and amounts. What it keeps
 * for its compensation is what this run wrote; compensation reverts each of
 * its entries ("Order earning rolled back", as the per-order step) and deletes
 * its facts, so a page whose event step fails leaves the orders as missed as
 * they were and the next run awards them.
 */
export const recordOrderAwardsStep = createStep(
  recordOrderAwardsStepId,
  async (input: { awards: { earning: OrderEarning; facts: OrderFactInput | null }[] }, { container }) => {
    if (!input.awards.length) {
      return new StepResponse<RecordedAwards, AwardsUndo>({ results: [], deferred: [] }, { entry_ids: [], fact_ids: [] })
    }
    const { results, fact_ids, deferred } = await pointsService(container).recordOrderAwards(
      input.awards.map(({ earning, facts }) => ({
        earning: {
          ...earning,
          idempotency_key: IdempotencyKeys.orderEarning(earning.order_id),
          reference_type: ReferenceTypes.ORDER,
          reference_id: earning.order_id,
        },
        facts,
      }))
    )
    return new StepResponse<RecordedAwards, AwardsUndo>(
      { results, deferred },
      { entry_ids: results.filter((result) => result.created).map((result) => result.entry.id), fact_ids }
    )
  },
  async (undo, { container }) => {
    if (!undo) return
    const service = pointsService(container)
    await service.revertEntries(undo.entry_ids, "Order earning rolled back")
    if (undo.fact_ids.length) {
      await service.deleteOrderFacts(undo.fact_ids)
    }
  }
)
