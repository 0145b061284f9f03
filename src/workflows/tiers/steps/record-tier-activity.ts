import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ActivityInput } from "../../../modules/loyalty-tiers/types"
import { tiersService } from "./resolve-service"

export const recordTierActivityStepId = "loyalty-record-tier-activity-step"

/**
 * Record qualifying activity once per key (nothing for a null input).
 * Compensation removes only what this run wrote.
 */
export const recordTierActivityStep = createStep(
  recordTierActivityStepId,
  async (input: ActivityInput | null, { container }) => {
    if (!input) {
      return new StepResponse<{ id: string; created: boolean } | null, string | null>(null, null)
    }
    const result = await tiersService(container).recordActivity({ ...input, occurred_at: new Date(input.occurred_at) })
    return new StepResponse<{ id: string; created: boolean } | null, string | null>(
      result,
      result.created ? result.id : null
    )
  },
  async (id, { container }) => {
    if (id) {
      await tiersService(container).deleteTierActivities(id)
    }
  }
)
