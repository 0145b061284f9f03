import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OrderEarning } from "../../../lib/points/order-points"
import { OrderFactInput, PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"
import { IdempotencyKeys } from "../../../lib/shared/idempotency-keys"
import { ReferenceTypes } from "../../../lib/shared/vocabulary"

export const recordOrderEarningStepId = "loyalty-record-order-earning-step"

type AwardUndo = { entry_id: string | null; fact_ids: string[] }

/**
 * Write the order's points as pending (nothing when the order earns nothing,
 * e.g. a guest's) and what earning read of the order (`orderFacts`, kept for
 * the what-if replay, a guest's order too; once per order), in one
 * transaction. Compensation reverts only what this run wrote: a replayed key
 * and facts written before belong to the first run and stay.
 */
export const recordOrderEarningStep = createStep(
  recordOrderEarningStepId,
  async (input: { earning: OrderEarning | null; facts: OrderFactInput | null }, { container }) => {
    const { earning, facts } = input
    if (!earning && !facts) {
      return new StepResponse<PostingResult | null, AwardUndo | null>(null, null)
    }
    const { result, fact_ids } = await pointsService(container).recordOrderAward({
      earning: earning && {
        ...earning,
        idempotency_key: IdempotencyKeys.orderEarning(earning.order_id),
        reference_type: ReferenceTypes.ORDER,
        reference_id: earning.order_id,
      },
      facts,
    })
    return new StepResponse<PostingResult | null, AwardUndo | null>(result, {
      entry_id: result?.created ? result.entry.id : null,
      fact_ids,
    })
  },
  async (undo, { container }) => {
    if (!undo) return
    if (undo.entry_id) {
      await pointsService(container).revertEntry(undo.entry_id, "Order earning rolled back")
    }
    if (undo.fact_ids.length) {
      await pointsService(container).deleteOrderFacts(undo.fact_ids)
    }
  }
)
