import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OrderEarning } from "../../../lib/points/order-points"
import { PostingResult } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"
import { IdempotencyKeys } from "../../../lib/shared/idempotency-keys"
import { ReferenceTypes } from "../../../lib/shared/vocabulary"

export const recordOrderEarningStepId = "loyalty-record-order-earning-step"

/**
 * Write the order's points as pending (nothing when the order earns nothing,
 * e.g. a guest's). Compensation reverts only what this run wrote: a replayed
 * key belongs to the first run and stays.
 */
export const recordOrderEarningStep = createStep(
  recordOrderEarningStepId,
  async (earning: OrderEarning | null, { container }) => {
    if (!earning) {
      return new StepResponse<PostingResult | null, string | null>(null, null)
    }
    const result = await pointsService(container).recordOrderEarning({
      ...earning,
      idempotency_key: IdempotencyKeys.orderEarning(earning.order_id),
      reference_type: ReferenceTypes.ORDER,
      reference_id: earning.order_id,
    })
    return new StepResponse<PostingResult | null, string | null>(result, result.created ? result.entry.id : null)
  },
  async (entryId, { container }) => {
    if (entryId) {
      await pointsService(container).revertEntry(entryId, "Order earning rolled back")
    }
  }
)
