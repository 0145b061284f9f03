import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { addDays } from "../../../lib/shared/dates"
import { attempt, forEachPage, ulidFloor } from "../../../lib/shared/pages"
import { createPassStep } from "../../shared/create-pass-step"
import { awardOrderPageWorkflow } from "../award-order-page"
import { awardOrderPointsWorkflow } from "../award-order-points"
import { pointsService } from "./resolve-service"

export const awardMissedOrdersStepId = "loyalty-award-missed-orders-step"

/** Members' orders a page reads (at most this many missed ones in an award page): its reads, statements, compensation data and events stay this size. */
export const CATCH_UP_PAGE = 500
/** How far back the catch-up looks for orders whose `order.placed` handling was lost. */
export const CATCH_UP_DAYS = 60

/**
 * The local event bus drops an event whose handler failed, so an order could
 * miss its points for good. This step finds recent members' orders without
 * an earn entry and awards them, a page at a time: one
 * `awardOrderPageWorkflow` per page (a few reads and one transaction for the
 * page, its events in one step), then `awardOrderPointsWorkflow` for each
 * order the page left to the per-order award (paid with points, placed in a
 * campaign's window, a closed account), in the page's order. A page that
 * fails undoes itself and is logged, and its orders are then awarded one by
 * one, so an order that cannot be awarded holds up only itself; a failing
 * order is logged and left for the next run.
 *
 * What is missing is read set-based, two statements per 500 members' orders
 * of the window: the members' orders in keyset order of their id
 * (`memberOrdersOfWindow`; a ULID, so in creation order, from the first id
 * of the window on: Medusa has no index on an order's `created_at`, the
 * primary key gives each page one index range), then which of them have no
 * earn entry (the points module's `ordersWithoutEarning`). Each page's
 * award is its own workflow with its own compensation, so this step has
 * nothing left to undo and a pass that dies resumes at the next run.
 */
export const awardMissedOrdersStep = createPassStep(awardMissedOrdersStepId, async (now, container) => {
  const since = addDays(now, -CATCH_UP_DAYS)
  const first = `order_${ulidFloor(since)}`
  let awarded = 0
  await forEachPage(
    async ({ after }) => await memberOrdersOfWindow(container, { after: after ?? first, since, now, limit: CATCH_UP_PAGE }),
    async (memberOrders) => {
      const orderIds = await pointsService(container).ordersWithoutEarning(memberOrders)
      if (!orderIds.length) return
      const page = await attempt(container, `Loyalty: awarding ${orderIds.length} missed orders from ${orderIds[0]}`, () =>
        awardOrderPageWorkflow(container).run({ input: { order_ids: orderIds } })
      )
      if (page.ok) awarded += page.value.result.awarded
      for (const orderId of page.ok ? page.value.result.deferred : orderIds) {
        const done = await attempt(container, `Loyalty: awarding missed order ${orderId}`, () =>
          awardOrderPointsWorkflow(container).run({ input: { order_id: orderId } })
        )
        if (done.ok && done.value.result?.created) awarded++
      }
    },
    { size: CATCH_UP_PAGE, until: "short", key: (orderId) => orderId }
  )
  return awarded
})

/**
 * Up to `limit` orders after `after` (by id), placed from `since` to `now`,
 * not drafts and not canceled (a canceled order keeps no points: awarding it
 * would show the shopper points and an "earned" message until the release
 * reverses them), whose customer is a member (`has_account`): one statement over
 * Medusa's order and customer tables, read only (the set-based read a
 * workflow step may make of another module's tables, where `query.graph`
 * would read the orders, then their customers, and join them in memory).
 * Whether each has earned is the points module's own read
 * (`ordersWithoutEarning`, one statement on the key index), not a join with
 * the ledger here: the ledger stays the points module's, and the plan of a
 * join would hang on the ledger's statistics (with stale ones Postgres
 * compares every order with every entry).
 */
export async function memberOrdersOfWindow(
  container: Pick<MedusaContainer, "resolve">,
  input: { after: string; since: Date; now: Date; limit: number }
): Promise<string[]> {
  const knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  const { rows }: { rows: { id: string }[] } = await knex.raw(
    `SELECT o.id FROM "order" o
       JOIN customer c ON c.id = o.customer_id AND c.has_account AND c.deleted_at IS NULL
      WHERE o.id > :after AND o.created_at >= :since AND o.created_at <= :now AND o.status NOT IN ('draft', 'canceled') AND o.deleted_at IS NULL
      ORDER BY o.id
      LIMIT :limit`,
    { after: input.after, since: input.since, now: input.now, limit: input.limit }
  )
  return rows.map((row) => row.id)
}
