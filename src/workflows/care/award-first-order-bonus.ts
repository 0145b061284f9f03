import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"
import { completeLoyaltyActionWorkflow } from "./complete-action"
import { isFirstOrderBonusDueStep } from "./steps/is-first-order-bonus-due"
import { loadFirstOrderActionStep } from "./steps/load-first-order-action"

export const awardFirstOrderBonusWorkflowId = "loyalty-award-first-order-bonus"

export type AwardFirstOrderBonusInput = {
  customer_id: string
  /** The order whose points were just released (or, from the daily pass, whose return window ended with none to release). */
  order_id: string
  now: Date
}

/**
 * The `first_order` action: paid when the points of a member's first kept
 * order are released, i.e. after its return window and only if it was not
 * canceled nor sent back in full, so the bonus never needs taking back; only
 * for a first order placed once the action was created (the rule,
 * `isFirstOrderBonusDue`, is the daily pass's too). Once per member (the
 * action's scope is the customer), however often the release is announced.
 * A store without an enabled `first_order` action pays nothing. The daily
 * member-care pass runs it too, for first kept orders no release paid (one
 * that earned 0 points, a release whose event was lost), dated when the
 * return window ended.
 *
 * @summary Pay the first-order bonus when a member's first order is released.
 *
 * @example
 * await awardFirstOrderBonusWorkflow(container).run({ input: { customer_id: "cus_123", order_id: "order_123", now: new Date() } })
 */
export const awardFirstOrderBonusWorkflow = createWorkflow(
  awardFirstOrderBonusWorkflowId,
  (input: AwardFirstOrderBonusInput) => {
    const action = loadFirstOrderActionStep()
    const due = isFirstOrderBonusDueStep({ customer_id: input.customer_id, order_id: input.order_id, action })
    const completion = transform({ input }, ({ input }) => ({
      customer_id: input.customer_id,
      action_code: "first_order",
      scope: IdempotencyKeys.firstOrderScope(input.customer_id),
      actor_type: "system" as const,
      details: { order_id: input.order_id },
      now: input.now,
    }))
    const posting = when({ due }, ({ due }) => due).then(() =>
      completeLoyaltyActionWorkflow.runAsStep({ input: completion })
    )
    const paid = transform({ posting }, ({ posting }) => ({ paid: !!posting?.created, entry_id: posting?.entry.id ?? null }))
    return new WorkflowResponse(paid)
  }
)
