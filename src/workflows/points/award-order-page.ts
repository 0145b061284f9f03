import { emitEventStep } from "@medusajs/medusa/core-flows"
import type { AdditionalData } from "@medusajs/framework/types"
import { createHook, createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { planAwardPage } from "../../lib/points/award-page"
import { LoyaltyEvents, pointsEventsFor } from "../../lib/shared/events"
import { loadAwardPageStep } from "./steps/load-award-page"
import { loadProgramRulesStep } from "./steps/load-program-rules"
import { orderFacts } from "./steps/record-order-facts"
import { recordOrderAwardsStep } from "./steps/record-order-awards"

export const awardOrderPageWorkflowId = "loyalty-award-order-page"
/** The page's `loyalty.points.earned` step (a fault test arms it by this name). */
export const emitPointsEarnedPageStepId = "loyalty-emit-points-earned-page-step"

export type AwardOrderPageInput = { order_ids: string[] } & AdditionalData

/**
 * Award a page of members' orders whose `order.placed` handling was lost
 * (the earnings catch-up's unit of work), with what `awardOrderPointsWorkflow`
 * writes for each of them but a few reads and one transaction for the page
 * instead of a workflow per order: the orders, the earning terms, the lines'
 * products (when earning rules exist) and the earning tiers in a few reads
 * (`loadAwardPageStep`), the program rules once, each order's earning by the
 * per-order award's own rule (`planAwardPage` → `orderEarning`), its pending
 * entry and order facts for the page in one transaction (the points module's
 * `recordOrderAwards`: same key `earn:order:<id>`, amount, reason, details,
 * rule version), and `loyalty.points.earned` for the page in one step, the
 * payloads the per-order award sends. A step that fails undoes this page
 * only (the entries reverted, the facts deleted), and the catch-up then
 * awards its orders one by one.
 *
 * `deferred` lists the orders left to `awardOrderPointsWorkflow` (in the
 * page's order), whose award is more than a pending entry: orders paid with
 * points (the checkout's debit is attached to the order first), orders placed
 * while a campaign's window was open (budgets and per-customer caps are
 * reserved one order at a time under its award lock), orders that earn
 * nothing (the per-order award decides what a guest's order keeps), and
 * orders of closed accounts (refused there as before). Orders awarded here
 * skip the per-order award's lock and its `validate` / `pointsAwarded`
 * hooks; this workflow has its own. A concurrent `order.placed` award of an
 * order of the page cannot award it twice: both write under the account's
 * row lock and read the order's key under it, so the later one writes
 * nothing (module test "an order awarded by order.placed while the page runs
 * earns once").
 *
 * @summary Award a page of missed orders their points as pending.
 *
 * @example
 * const { result } = await awardOrderPageWorkflow(container).run({
 *   input: { order_ids: ["order_1", "order_2"] },
 * })
 *
 * @property hooks.validate - Runs after the page is read and planned and before anything is written
 *   (`{ input, plan }`): throw to hold the page (the catch-up then awards each order through
 *   `awardOrderPointsWorkflow`, whose own `validate` hook decides).
 * @property hooks.pointsAwarded - Runs after the entries are written (`{ order_ids, results, additional_data }`:
 *   the postings of the orders this page awarded; `created` false for one that had earned already).
 */
export const awardOrderPageWorkflow = createWorkflow(awardOrderPageWorkflowId, (input: AwardOrderPageInput) => {
  const page = loadAwardPageStep(transform({ input }, ({ input }) => ({ order_ids: input.order_ids })))
  const rules = loadProgramRulesStep()
  const plan = transform({ page, rules }, ({ page, rules }) => planAwardPage({ ...page, rules }))
  const validate = createHook("validate", { input, plan })

  // What earning read of each order, kept for the what-if replay, written with its entry (as one by one).
  const recorded = recordOrderAwardsStep(
    transform({ plan }, ({ plan }) => ({
      awards: plan.awards.map(({ order, earning }) => ({ earning, facts: orderFacts(order) })),
    }))
  )
  const events = transform({ recorded }, ({ recorded }) => pointsEventsFor(recorded.results))
  when("loyalty-award-page-earned", { events }, ({ events }) => events.length > 0).then(() =>
    emitEventStep({ eventName: LoyaltyEvents.POINTS_EARNED, data: events }).config({ name: emitPointsEarnedPageStepId })
  )
  const pointsAwarded = createHook("pointsAwarded", {
    order_ids: transform({ recorded }, ({ recorded }) => recorded.results.map((result) => result.entry.order_id)),
    results: transform({ recorded }, ({ recorded }) => recorded.results),
    additional_data: input.additional_data,
  })
  return new WorkflowResponse(
    // Also read when a step failed (the run's result then lacks what the failed step would have given).
    transform({ input, plan, recorded }, ({ input, plan, recorded }) => {
      const deferred = new Set([...(plan?.deferred ?? []).map((order) => order.order_id), ...(recorded?.deferred ?? [])])
      return {
        awarded: (recorded?.results ?? []).filter((result) => result.created).length,
        deferred: input.order_ids.filter((id) => deferred.has(id)),
      }
    }),
    { hooks: [validate, pointsAwarded] }
  )
})
