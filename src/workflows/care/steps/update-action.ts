import { pointsService } from "../../points/steps/resolve-service"
import { createUpdateStep } from "../../shared/create-update-step"
import { LoyaltyActionInput } from "../types"

export const updateActionStepId = "loyalty-update-action-step"

/** Change an action (its code stays: integrations call it); compensation puts the previous values back. */
export const updateActionStep = createUpdateStep(updateActionStepId, pointsService, {
  before: (service, input: { id: string } & Partial<Omit<LoyaltyActionInput, "code">>) => service.retrieveAction(input.id),
  update: (service, input) => service.updateActions(input),
  restore: (service, { id, name, points, limit_count, limit_period, enabled }) =>
    service.updateActions({ id, name, points, limit_count, limit_period, enabled }),
})
