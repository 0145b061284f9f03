import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { firstOrderBonusesDue, firstOrderCatchUpSince } from "../../../lib/care/rules"
import { asOneBatch, attempt, forEachDue } from "../../../lib/shared/pages"
import { pointsService } from "../../points/steps/resolve-service"
import { awardFirstOrderBonusWorkflow } from "../award-first-order-bonus"
import { firstOrderBonusPaid, ordersForFirstOrder } from "./load-first-kept-orders"

export const awardMissedFirstOrderBonusesStepId = "loyalty-award-missed-first-order-bonuses-step"

/** Ended return windows a page reads: its reads (five statements) and its payments stay this size. */
export const FIRST_ORDER_CATCH_UP_PAGE = 500

/**
 * The daily pass's catch-up of the `first_order` action, which is otherwise
 * paid only on `loyalty.points.released`: a first kept order that earned 0
 * points has nothing pending, so it is never released and its bonus never
 * paid (nor for a later order, which is not the first), and a release whose
 * event was lost is never announced again. This reads the return windows
 * that ended in the last `FIRST_ORDER_CATCH_UP_DAYS` (not before the action
 * existed) from the ledger's release index, a page at a time, then for the
 * page in one statement which of its customers have the bonus already
 * (`firstOrderBonusPaid`) and in one the others' orders up to these
 * (`ordersForFirstOrder`, the release's reads), and pays the rest
 * (`firstOrderBonusesDue`, the release's rule `isFirstOrderBonusDue`: the
 * first kept order, neither canceled nor sent back in full, released or
 * earning 0, placed once the action existed, not paid yet; an order that
 * earned points and was not released, all taken back before its window ended
 * or its release still to run, is the release's) through
 * `awardFirstOrderBonusWorkflow`, dated when the window ended, as the
 * release would have paid it. That workflow checks again and pays under the
 * member's one scope, so neither this pass run twice nor a release heard
 * meanwhile pays twice. A payment that fails is logged and left for the
 * next day's pass; each is its own workflow with its own compensation.
 */
export const awardMissedFirstOrderBonusesStep = createStep(
  awardMissedFirstOrderBonusesStepId,
  async (input: { now: Date; actions: string[] }, { container }) => {
    if (!input.actions.includes("first_order")) return new StepResponse(0)
    const now = new Date(input.now)
    const service = pointsService(container)
    const [action] = await service.listActions({ code: "first_order" }, { select: ["created_at"] })
    if (!action) return new StepResponse(0)
    const actionCreatedAt = new Date(action.created_at)
    const window = { since: firstOrderCatchUpSince(now, actionCreatedAt), until: now }
    let paid = 0
    await forEachDue(
      async (after) => asOneBatch(await service.listEndedReturnWindows(window, after, FIRST_ORDER_CATCH_UP_PAGE)),
      async (ended) => {
        const hadBonus = await firstOrderBonusPaid(container, ended.map((row) => row.customer_id))
        const orders = await ordersForFirstOrder(container, ended.filter((row) => !hadBonus.has(row.customer_id)))
        const due = firstOrderBonusesDue(ended, { orders, paid: hadBonus, action_created_at: actionCreatedAt })
        for (const bonus of due) {
          const done = await attempt(container, `Loyalty: the first-order bonus of order ${bonus.order_id}`, () =>
            awardFirstOrderBonusWorkflow(container).run({
              input: { customer_id: bonus.customer_id, order_id: bonus.order_id, now: bonus.released_at },
            })
          )
          if (done.ok && done.value.result.paid) paid++
        }
      }
    )
    return new StepResponse(paid)
  }
)
