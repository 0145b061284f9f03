import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { OriginalEarning, originalEarningOf } from "../../../lib/points/order-points"
import { OrderPointsSummary } from "../../../modules/loyalty-points/types"
import { pointsService } from "./resolve-service"

export const loadOrderLedgerStepId = "loyalty-load-order-ledger-step"

export type OrderLedger = {
  summary: OrderPointsSummary
  /** What the order's first earning was computed with; null when it has none. */
  earning: OriginalEarning | null
}

/**
 * What the ledger holds for an order: its summary (earned, reversed, redeemed,
 * restored) and the figures its earning used at checkout (value before points,
 * rate, multiplier), so a later change is measured against the same rules.
 */
export const loadOrderLedgerStep = createStep(
  loadOrderLedgerStepId,
  async (input: { order_id: string } | null, { container }) => {
    if (!input) return new StepResponse<OrderLedger | null>(null)
    const service = pointsService(container)
    const [[summary], entry] = await Promise.all([
      service.summarizeOrders([input.order_id]),
      service.retrieveOrderEarning(input.order_id),
    ])
    return new StepResponse<OrderLedger | null>({ summary, earning: originalEarningOf(entry) })
  }
)
