import { attemptEachDue } from "../../../lib/shared/pages"
import { createPassStep } from "../../shared/create-pass-step"
import { endTierOverrideWorkflow } from "../set-tier-override"
import { tiersService } from "./resolve-service"

export const endDueTierOverridesStepId = "loyalty-end-due-tier-overrides-step"

const BATCH = 500

/** End every override whose end date has passed; the earned tier is back. */
export const endDueTierOverridesStep = createPassStep(endDueTierOverridesStepId, async (now, container) => {
  return await attemptEachDue(container, {
    read: (after) => tiersService(container).listDueOverrides(now, after, BATCH),
    what: (customerId) => `Loyalty tiers: ending an override of customer ${customerId}`,
    run: async (customerId) => {
      await endTierOverrideWorkflow(container).run({ input: { customer_id: customerId, now, actor_id: null, reason: null } })
    },
  })
})
