import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"

export const loadFeedbackOrderStepId = "load-loyalty-feedback-order"

/**
 * The order a shopper gives feedback on, which must be theirs. Someone
 * else's order and an unknown id get the same 404, so nobody learns which
 * order ids exist.
 */
export const loadFeedbackOrderStep = createStep(
  loadFeedbackOrderStepId,
  async (input: { order_id: string; customer_id: string }, { container }) => {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data } = await query.graph({
      entity: "order",
      fields: ["id", "display_id", "customer_id", "status"],
      filters: { id: input.order_id },
    })
    const order = data[0]
    if (!order || order.customer_id !== input.customer_id || order.status === "draft") {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `Order ${input.order_id} was not found`)
    }
    return new StepResponse({ id: order.id, display_id: order.display_id ?? null, customer_id: input.customer_id })
  }
)
