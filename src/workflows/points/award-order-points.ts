import { emitEventStep } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { LoyaltyEvents, pointsEventsFor } from "../../lib/shared/events"
import { orderEarning } from "../../lib/points/order-points"
import { loadOrderForPointsStep } from "./steps/load-order-for-points"
import { loadProgramRulesStep } from "./steps/load-program-rules"
import { recordOrderEarningStep } from "./steps/record-order-earning"
import { attachCartRedemptionStep } from "../redemption/steps/attach-cart-redemption"
import { loadEarningTierStep } from "../tiers/steps/load-earning-tier"

export const awardOrderPointsWorkflowId = "loyalty-award-order-points"

/**
 * Award a member's order its points, pending until the return window ends.
 * Runs on `order.placed` and from the release job's catch-up, which is why it
 * is idempotent by order: however often it runs, the order earns once. The
 * customer's tier in effect when the order was placed multiplies the points.
 *
 * @summary Award an order's points as pending.
 *
 * @example
 * await awardOrderPointsWorkflow(container).run({ input: { order_id: "order_123" } })
 */
export const awardOrderPointsWorkflow = createWorkflow(
  awardOrderPointsWorkflowId,
  (input: { order_id: string }) => {
    const order = loadOrderForPointsStep({ order_id: input.order_id })
    attachCartRedemptionStep(
      transform({ order }, ({ order }) => (order ? { cart_id: order.cart_id, order_id: order.id } : null))
    )
    const rules = loadProgramRulesStep()
    const tier = loadEarningTierStep(
      transform({ order }, ({ order }) => ({ customer_id: order?.customer_id ?? null, at: order?.created_at ?? null }))
    )
    const earning = transform({ order, rules, tier }, ({ order, rules, tier }) => orderEarning(order, rules, tier))

    const result = recordOrderEarningStep(earning)

    const events = transform({ result }, ({ result }) => pointsEventsFor([result]))
    when({ events }, ({ events }) => events.length > 0).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.POINTS_EARNED, data: events })
    )
    return new WorkflowResponse(result)
  }
)
