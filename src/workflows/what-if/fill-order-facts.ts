import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { FillOrderFactsInput, fillOrderFactsStep } from "./steps/fill-order-facts"

export const fillOrderFactsWorkflowId = "loyalty-fill-order-facts"

/**
 * Fills the earning facts of one batch of orders that have none (a store's
 * orders from before the plugin), ahead of the first what-if preview, which
 * would otherwise read them from Medusa's tables itself (about two minutes
 * per 500,000 orders). Run batch after batch by the `loyalty-fill-order-facts`
 * job, keyset by order id.
 *
 * @summary Fill the earning facts of orders from before the plugin.
 *
 * @example
 * const { result } = await fillOrderFactsWorkflow(container).run({ input: { after: null, limit: 2000 } })
 */
export const fillOrderFactsWorkflow = createWorkflow(fillOrderFactsWorkflowId, (input: FillOrderFactsInput) => {
  return new WorkflowResponse(fillOrderFactsStep(input))
})
