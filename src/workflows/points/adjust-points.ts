import type { AdditionalData } from "@medusajs/framework/types"
import { createHook, createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { expiryDate } from "../../lib/shared/dates"
import { LoyaltyEvents } from "../../lib/shared/events"
import { emitPointsEvents } from "./emit-points-events"
import { loadCustomerForPointsStep } from "./steps/load-customer"
import { loadProgramRulesStep } from "./steps/load-program-rules"
import { creditPointsStep } from "./steps/credit-points"
import { debitPointsStep } from "./steps/debit-points"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"

export const adjustPointsWorkflowId = "loyalty-adjust-points"

export type AdjustPointsInput = {
  customer_id: string
  /** Positive grants, negative takes away; a debit never takes the balance below 0. */
  points: number
  reason: string
  /** The admin user who made the change, recorded on the entry. */
  actor_id: string
  /** One key per adjustment request, so a double click posts once. */
  idempotency_key: string
} & AdditionalData

/**
 * A manual change by staff: goodwill after a complaint, a correction. Every
 * adjustment carries its reason and its author, and a debit larger than the
 * balance is refused rather than creating debt.
 *
 * @summary Grant or take points by hand, with a reason.
 *
 * @property hooks.validate - Runs before anything is written (`{ input }`): throw to refuse the
 *   adjustment (a `MedusaError` of type NOT_ALLOWED or INVALID_DATA answers the admin with a 400).
 * @property hooks.pointsAdjusted - Runs after the entry is written (`{ customer_id, result, additional_data }`).
 *
 * @example
 * adjustPointsWorkflow.hooks.validate(({ input }) => {
 *   if (Math.abs(input.points) > 10_000) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "Ask a manager")
 * })
 */
export const adjustPointsWorkflow = createWorkflow(adjustPointsWorkflowId, (input: AdjustPointsInput) => {
  loadCustomerForPointsStep({ customer_id: input.customer_id })
  const validate = createHook("validate", { input })
  const rules = loadProgramRulesStep()
  const posting = transform({ input, rules }, ({ input, rules }) => ({
    customer_id: input.customer_id,
    idempotency_key: IdempotencyKeys.adjustment(input.idempotency_key),
    points: Math.abs(input.points),
    type: "adjust" as const,
    reason: input.reason,
    actor_type: "admin" as const,
    actor_id: input.actor_id,
    program_version: rules.version,
    expires_at: expiryDate(new Date(), rules.expiry_months),
  }))

  const credited = when({ input }, ({ input }) => input.points > 0).then(() => creditPointsStep(posting))
  const debited = when({ input }, ({ input }) => input.points < 0).then(() => debitPointsStep(posting))

  const result = transform({ credited, debited }, ({ credited, debited }) => credited ?? debited)
  emitPointsEvents(LoyaltyEvents.POINTS_ADJUSTED, result)
  const pointsAdjusted = createHook("pointsAdjusted", {
    customer_id: input.customer_id,
    result,
    additional_data: input.additional_data,
  })
  return new WorkflowResponse(result, { hooks: [validate, pointsAdjusted] })
})
