import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { isFirstOrderBonusDue } from "../../../lib/care/rules"
import type { FirstOrderAction } from "./load-first-order-action"
import { ordersForFirstOrder } from "./load-first-kept-orders"

export const isFirstOrderBonusDueStepId = "loyalty-is-first-order-bonus-due-step"

/**
 * Whether `order_id`, whose return window is over (its points released, or
 * none to release: the daily pass's), pays the member's first-order bonus:
 * the one rule `isFirstOrderBonusDue` over the customer's orders placed up to
 * it (`ordersForFirstOrder`, the read the release page and the daily pass
 * make too), against when the store's `first_order` action was created.
 * Without the action (none, or switched off) nothing is read and nothing is due.
 */
export const isFirstOrderBonusDueStep = createStep(
  isFirstOrderBonusDueStepId,
  async (input: { customer_id: string; order_id: string; action: FirstOrderAction | null }, { container }) => {
    if (!input.action) return new StepResponse(false)
    const history = await ordersForFirstOrder(container, [input])
    const due = isFirstOrderBonusDue({ order_id: input.order_id, settled: true }, history[input.customer_id] ?? [], new Date(input.action.created_at))
    return new StepResponse(due)
  }
)
