import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"

export const isFirstKeptOrderStepId = "loyalty-is-first-kept-order-step"

/**
 * Whether `order_id` is the customer's first kept order: the earliest of
 * their orders that is neither canceled nor a draft. An order placed after a
 * canceled one is still the first; one placed after an order the store
 * already had (before the action existed, or from before the plugin) is not.
 * Medusa's orders are read through Query (one row).
 */
export const isFirstKeptOrderStep = createStep(
  isFirstKeptOrderStepId,
  async (input: { customer_id: string; order_id: string }, { container }) => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data } = await query.graph({
      entity: "order",
      fields: ["id"],
      filters: { customer_id: input.customer_id, status: { $nin: ["canceled", "draft"] } },
      pagination: { take: 1, skip: 0, order: { created_at: "ASC" } },
    })
    return new StepResponse(data[0]?.id === input.order_id)
  }
)
