import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { attempt } from "../../../lib/shared/pages"
import { evaluateCustomerTierWorkflow } from "../evaluate-customer-tier"
import { tiersService } from "./resolve-service"

export const evaluateCustomerTiersStepId = "loyalty-evaluate-customer-tiers-step"

/**
 * Evaluate the customers of a page whose new activity changes their tier:
 * one read finds them (`listCustomersToEvaluate`, everyone else would write
 * nothing), and each of them gets `evaluateCustomerTierWorkflow`, which
 * decides again under their lock and has its own compensation, hooks,
 * group move, bonus and events. A failing evaluation is logged and left to
 * the daily tier pass (it upgrades whoever qualifies; the period review
 * keeps a tier the activity still reaches), so it never undoes the others.
 */
export const evaluateCustomerTiersStep = createStep(
  evaluateCustomerTiersStepId,
  async (input: { customer_ids: string[]; now: Date }, { container }) => {
    const now = new Date(input.now)
    const due = await tiersService(container).listCustomersToEvaluate(input.customer_ids, now)
    let changed = 0
    let failed = 0
    for (const customerId of due) {
      const done = await attempt(container, `Loyalty tiers: the evaluation of customer ${customerId}`, () =>
        evaluateCustomerTierWorkflow(container).run({ input: { customer_id: customerId, now } })
      )
      if (!done.ok) failed++
      else if (done.value.result.write?.changes.length) changed++
    }
    return new StepResponse({ evaluated: due, changed, failed })
  }
)
