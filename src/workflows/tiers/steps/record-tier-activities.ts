import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ActivityInput } from "../../../modules/loyalty-tiers/types"
import { tiersService } from "./resolve-service"

export const recordTierActivitiesStepId = "loyalty-record-tier-activities-step"

/**
 * Record a page of qualifying activities in one statement, each once per
 * key (`recordTierActivityStep` for many). Compensation removes only what
 * this run wrote.
 */
export const recordTierActivitiesStep = createStep(
  recordTierActivitiesStepId,
  async (input: ActivityInput[], { container }) => {
    const created = await tiersService(container).recordActivities(
      input.map((activity) => ({ ...activity, occurred_at: new Date(activity.occurred_at) }))
    )
    return new StepResponse({ recorded: created.length }, created)
  },
  async (created, { container }) => {
    if (created?.length) {
      await tiersService(container).deleteTierActivities(created)
    }
  }
)
