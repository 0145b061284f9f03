import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { campaignsService } from "./resolve-service"

export const deleteEarningRuleStepId = "loyalty-delete-earning-rule-step"

/** Delete a per-product earning rule (404 when there is none); compensation restores it. */
export const deleteEarningRuleStep = createStep(
  deleteEarningRuleStepId,
  async (input: { id: string }, { container }) => {
    const service = campaignsService(container)
    await service.retrieveEarningRule(input.id)
    await service.softDeleteEarningRules(input.id)
    return new StepResponse({ id: input.id }, input.id)
  },
  async (id, { container }) => {
    if (id) await campaignsService(container).restoreEarningRules(id)
  }
)
