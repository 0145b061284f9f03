import { emitEventStep } from "@medusajs/medusa/core-flows"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { LoyaltyEvents, tierEventsFor } from "../../lib/shared/events"
import { moveTierPageGroupsStep } from "./steps/move-tier-page-groups"
import { reviewTierPageStep } from "./steps/review-tier-page"

export const reviewTierPageWorkflowId = "loyalty-review-tier-page"

/** The step that announces the page's tier changes (its id is exported: the fault-injection test arms it). */
export const emitTierPageChangedStepId = "loyalty-emit-tier-page-changed-step"

/**
 * The period-end review of one page of due customers: the daily pass's unit
 * of work, so what a run locks, keeps for compensation and emits is bounded
 * by the page whatever the day brings. It decides what
 * `reviewCustomerTierWorkflow` decides for each customer, set-based (the
 * tiers module's `reviewPage`), moves the page's customer groups with one
 * call per group, and emits `loyalty.tier.changed` for the page in one step,
 * one message per change with the payload the per-customer review sends.
 * A step that fails undoes this page only. `deferred` lists the customers
 * the page left to the per-customer review (see `reviewPage`).
 *
 * @summary Review a page of customers' tiers at the end of their period.
 *
 * @example
 * const { result } = await reviewTierPageWorkflow(container).run({
 *   input: { customer_ids: ["cus_1", "cus_2"], now: new Date() },
 * })
 */
export const reviewTierPageWorkflow = createWorkflow(
  reviewTierPageWorkflowId,
  (input: { customer_ids: string[]; now: Date }) => {
    const review = reviewTierPageStep(input)
    const writes = transform({ review }, ({ review }) => review.writes)
    moveTierPageGroupsStep(writes)
    const events = transform({ review }, ({ review }) => tierEventsFor(review.writes.flatMap((write) => write.changes)))
    when("loyalty-tier-page-changed", { events }, ({ events }) => events.length > 0).then(() => {
      emitEventStep({ eventName: LoyaltyEvents.TIER_CHANGED, data: events }).config({
        name: emitTierPageChangedStepId,
      })
    })
    return new WorkflowResponse(
      transform({ review }, ({ review }) => ({
        reviewed: review.reviewed,
        changed: review.writes.filter((write) => write.changes.length > 0).length,
        deferred: review.deferred,
      }))
    )
  }
)
