import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { awardFirstOrderBonusesStep } from "./steps/award-first-order-bonuses"
import { loadFirstKeptOrdersStep, ReleasedOrder } from "./steps/load-first-kept-orders"
import { loadFirstOrderActionStep } from "./steps/load-first-order-action"

export const awardFirstOrderBonusesWorkflowId = "loyalty-award-first-order-bonuses"

export type AwardFirstOrderBonusesInput = {
  /** Orders whose points were just released (a release page's), each with when (its bonus is dated then). */
  orders: ReleasedOrder[]
}

/**
 * `awardFirstOrderBonusWorkflow` for a page of released orders: one read of
 * whether the store has the `first_order` action (none: nothing more is
 * read), one read of which orders are their customer's first kept order
 * placed once the action existed (`isFirstOrderBonusDue`), and the
 * per-member bonus only for those, which is at most one order of a
 * member's life. So a release page costs the bonus two statements, not a
 * workflow per order.
 *
 * @summary Pay the first-order bonus for a page of released orders.
 *
 * @example
 * await awardFirstOrderBonusesWorkflow(container).run({
 *   input: { orders: [{ customer_id: "cus_123", order_id: "order_123", released_at: new Date() }] },
 * })
 */
export const awardFirstOrderBonusesWorkflow = createWorkflow(
  awardFirstOrderBonusesWorkflowId,
  (input: AwardFirstOrderBonusesInput) => {
    const action = loadFirstOrderActionStep()
    const outcome = when("loyalty-first-order-action-enabled", { action }, ({ action }) => !!action).then(() => {
      const first = loadFirstKeptOrdersStep({ orders: input.orders, action })
      return awardFirstOrderBonusesStep({ orders: first })
    })
    return new WorkflowResponse(transform({ outcome }, ({ outcome }) => ({ paid: outcome?.paid ?? 0 })))
  }
)
