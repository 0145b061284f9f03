import { emitEventStep } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { MedusaError } from "@medusajs/framework/utils"
import { periodStart } from "../../lib/care/rules"
import { earnPosting } from "../../lib/points/program"
import { ActionCompletedEventData, LoyaltyEvents } from "../../lib/shared/events"
import { IdempotencyKeys } from "../../lib/shared/idempotency-keys"
import { ReferenceTypes } from "../../lib/shared/vocabulary"
import { creditPointsStep } from "../points/steps/credit-points"
import { loadCustomerForPointsStep } from "../points/steps/load-customer"
import { loadProgramRulesStep } from "../points/steps/load-program-rules"
import { loadActionStep } from "./steps/load-action"
import { loadCareRulesStep } from "./steps/load-care-rules"

export const completeLoyaltyActionWorkflowId = "loyalty-complete-action"

export type CompleteLoyaltyActionInput = {
  customer_id: string
  /** The action's code (`birthday`, `anniversary`, `review` or a custom one). */
  action_code: string
  /**
   * What makes this completion unique, within the action: the year of a
   * birthday, the review's id, the caller's request key. The same scope pays
   * once, however often it is reported.
   */
  scope: string
  /** Who reported it, recorded on the entry. */
  actor_type: "customer" | "system" | "admin"
  actor_id?: string | null
  /** Kept on the entry (e.g. the review and product). */
  details?: Record<string, unknown>
  now: Date
}

/**
 * Pay a member for an action: the action's points as a lot that expires like
 * any other, once per scope (a replayed report returns the first entry), and
 * never past the action's per-customer limit in its period, counted under the
 * account's lock so concurrent reports cannot pass it. Only members (customers
 * with an account) earn. Emits `loyalty.action.completed`.
 *
 * @summary Pay a member for a birthday, anniversary, review or custom action.
 *
 * @example
 * await completeLoyaltyActionWorkflow(container).run({
 *   input: { customer_id: "cus_123", action_code: "newsletter", scope: "cus_123:req-1", actor_type: "admin", now: new Date() },
 * })
 */
export const completeLoyaltyActionWorkflow = createWorkflow(
  completeLoyaltyActionWorkflowId,
  (input: CompleteLoyaltyActionInput) => {
    const customer = loadCustomerForPointsStep({ customer_id: input.customer_id })
    const action = loadActionStep({ code: input.action_code })
    const rules = loadProgramRulesStep()
    const care = loadCareRulesStep()
    const posting = transform({ input, customer, action, rules, care }, ({ input, customer, action, rules, care }) => {
      if (!customer.has_account) {
        throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Customer ${customer.id} is not a member: only members earn points`)
      }
      const now = new Date(input.now)
      return earnPosting(rules, now, {
        customer_id: customer.id,
        idempotency_key: IdempotencyKeys.actionCompletion(action.code, input.scope),
        points: action.points,
        reason: action.name,
        actor_type: input.actor_type,
        actor_id: input.actor_id ?? null,
        reference_type: ReferenceTypes.ACTION,
        reference_id: action.code,
        details: { action_code: action.code, ...(input.details ?? {}) },
        limit: action.limit_count
          ? { count: action.limit_count, since: periodStart(action.limit_period, now, care.time_zone) }
          : null,
      })
    })
    const result = creditPointsStep(posting)
    const event = transform({ result, action }, ({ result, action }): ActionCompletedEventData[] =>
      result?.created
        ? [
            {
              id: result.entry.id,
              customer_id: result.account.customer_id,
              action_code: action.code,
              action_name: action.name,
              points: result.entry.points,
            },
          ]
        : []
    )
    when({ event }, ({ event }) => event.length > 0).then(() =>
      emitEventStep({ eventName: LoyaltyEvents.ACTION_COMPLETED, data: event })
    )
    return new WorkflowResponse(result)
  }
)
