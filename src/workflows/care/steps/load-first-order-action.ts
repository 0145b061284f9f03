import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { pointsService } from "../../points/steps/resolve-service"

export const loadFirstOrderActionStepId = "loyalty-load-first-order-action-step"

/** The store's `first_order` action as its rule reads it: when it was created (it pays first orders from then on). */
export type FirstOrderAction = { created_at: Date }

/**
 * The store's `first_order` action when it exists and is switched on (null
 * otherwise: nothing is paid), with when it was created, since the bonus
 * rewards first orders placed from then on (`isFirstOrderBonusDue`).
 */
export const loadFirstOrderActionStep = createStep(loadFirstOrderActionStepId, async (_: void, { container }) => {
  const [action] = await pointsService(container).listActions({ code: "first_order", enabled: true }, { select: ["created_at"] })
  return new StepResponse<FirstOrderAction | null>(action ? { created_at: new Date(action.created_at) } : null)
})
