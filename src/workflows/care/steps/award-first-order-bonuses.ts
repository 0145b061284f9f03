import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { awardFirstOrderBonusWorkflow } from "../award-first-order-bonus"
import { ReleasedOrder } from "./load-first-kept-orders"

export const awardFirstOrderBonusesStepId = "loyalty-award-first-order-bonuses-step"

/**
 * Pay the first-order bonus of the page's first kept orders, each through
 * `awardFirstOrderBonusWorkflow` (which checks again and pays once per
 * member, with its own compensation). Every order is tried; if any failed,
 * the step fails after the others, so the caller can run the failed ones
 * again on their own (a paid one pays nothing twice).
 */
export const awardFirstOrderBonusesStep = createStep(
  awardFirstOrderBonusesStepId,
  async (input: { orders: ReleasedOrder[] }, { container }) => {
    let paid = 0
    const failures: string[] = []
    for (const order of input.orders) {
      try {
        const { result } = await awardFirstOrderBonusWorkflow(container).run({
          input: { customer_id: order.customer_id, order_id: order.order_id, now: new Date(order.released_at) },
        })
        if (result.paid) paid++
      } catch (error) {
        failures.push(`${order.order_id}: ${(error as Error).message}`)
      }
    }
    if (failures.length) {
      throw new Error(`The first-order bonus of ${failures.length} orders failed (${failures.join("; ")})`)
    }
    return new StepResponse({ paid })
  }
)
