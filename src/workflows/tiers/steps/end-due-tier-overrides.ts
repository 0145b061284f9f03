import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { attempt, forEachDue } from "../../../lib/shared/pages"
import { endTierOverrideWorkflow } from "../set-tier-override"
import { tiersService } from "./resolve-service"

export const endDueTierOverridesStepId = "loyalty-end-due-tier-overrides-step"

const BATCH = 500

/** End every override whose end date has passed; the earned tier is back. */
export const endDueTierOverridesStep = createStep(
  endDueTierOverridesStepId,
  async (input: { now: Date }, { container }) => {
    const now = new Date(input.now)
    let ended = 0
    await forEachDue(
      BATCH,
      (take) => tiersService(container).listDueOverrides(now, take),
      (customerId) => customerId,
      async (customerId) => {
        const done = await attempt(container, `Loyalty tiers: ending an override of customer ${customerId}`, () =>
          endTierOverrideWorkflow(container).run({
            input: { customer_id: customerId, now, actor_id: null, reason: null },
          })
        )
        if (done.ok) ended++
        return !done.ok
      }
    )
    return new StepResponse(ended)
  }
)
