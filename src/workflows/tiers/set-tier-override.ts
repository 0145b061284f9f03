import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { loadCustomerForPointsStep } from "../points/steps/load-customer"
import { applyTierChanges } from "./apply-tier-changes"
import { endTierOverrideStep } from "./steps/end-tier-override"
import { setTierOverrideStep, SetTierOverrideStepInput } from "./steps/set-tier-override"

export const setTierOverrideWorkflowId = "loyalty-set-tier-override"
export const endTierOverrideWorkflowId = "loyalty-end-tier-override"

export type SetTierOverrideInput = SetTierOverrideStepInput

/**
 * Staff put a customer in a tier (or in none) with a reason, until an end
 * date or until ended by hand. The override wins over the earned tier for
 * the multiplier, the customer group and what the shopper sees; the earned
 * tier keeps being evaluated underneath and takes over when it ends. No
 * bonus points: those are for tiers reached by activity.
 *
 * @summary Override a customer's tier, with a reason.
 */
export const setTierOverrideWorkflow = createWorkflow(setTierOverrideWorkflowId, (input: SetTierOverrideInput) => {
  loadCustomerForPointsStep(transform({ input }, ({ input }) => ({ customer_id: input.customer_id })))
  const write = setTierOverrideStep(input)
  const events = applyTierChanges(write)
  return new WorkflowResponse({ write, events })
})

export type EndTierOverrideInput = {
  customer_id: string
  now: Date
  /** The admin user ending it; null when the daily job ends it at its date. */
  actor_id: string | null
  reason: string | null
}

/**
 * End a customer's override: by staff (404 when there is none), or by the
 * daily job once its end date has passed. The earned tier is in effect again.
 *
 * @summary End a customer's tier override.
 */
export const endTierOverrideWorkflow = createWorkflow(endTierOverrideWorkflowId, (input: EndTierOverrideInput) => {
  const write = endTierOverrideStep(input)
  const events = applyTierChanges(write)
  return new WorkflowResponse({ write, events })
})
