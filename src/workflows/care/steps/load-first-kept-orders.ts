import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { isFirstOrderBonusDue, type OrderForFirstOrder } from "../../../lib/care/rules"
import { IdempotencyKeys } from "../../../lib/shared/idempotency-keys"
import { pointsService } from "../../points/steps/resolve-service"
import type { FirstOrderAction } from "./load-first-order-action"

export const loadFirstKeptOrdersStepId = "loyalty-load-first-kept-orders-step"

/** An order whose points were released: its customer, and when (a bonus for it is dated then). */
export type ReleasedOrder = { customer_id: string; order_id: string; released_at: Date }

/** Each customer's orders as the first-order rule reads them (`OrderForFirstOrder`). */
export type OrdersForFirstOrder = Record<string, OrderForFirstOrder[]>

/**
 * What the first-order rule (`isFirstOrderBonusDue`) reads of Medusa's
 * orders, for the release (one order or a page) and the daily pass alike:
 * for each customer of `orders`, every order of theirs placed up to the
 * latest of these orders (the ones placed later cannot be an earlier first
 * order), with its status, when it was placed, and its units and units
 * returned (received or damaged) in its current version. One statement,
 * through Medusa's index on the order's customer: a read of Medusa's `order`
 * and `order_item` tables over the Postgres connection, for workflow steps
 * (as the insights' facts are), since Query has no sums per order. A
 * customer whose orders are all gone is not in the answer.
 */
export async function ordersForFirstOrder(
  container: Pick<MedusaContainer, "resolve">,
  orders: { customer_id: string; order_id: string }[]
): Promise<OrdersForFirstOrder> {
  if (!orders.length) return {}
  const pg = container.resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION)
  const { rows }: { rows: { customer_id: string; order_id: string; status: string; created_at: Date; quantity: string; returned_quantity: string }[] } =
    await pg.raw(
      `WITH candidate AS (
         SELECT c.customer_id, max(o.created_at) AS until
           FROM unnest(?::text[], ?::text[]) AS c(customer_id, order_id)
           JOIN "order" o ON o.id = c.order_id AND o.customer_id = c.customer_id
          GROUP BY c.customer_id)
       SELECT o.customer_id, o.id AS order_id, o.status::text AS status, o.created_at,
              coalesce(sum(i.quantity), 0)::text AS quantity,
              coalesce(sum(i.return_received_quantity + i.return_dismissed_quantity), 0)::text AS returned_quantity
         FROM candidate c
         JOIN "order" o ON o.customer_id = c.customer_id AND o.created_at <= c.until AND o.deleted_at IS NULL
         LEFT JOIN order_item i ON i.order_id = o.id AND i.version = o.version AND i.deleted_at IS NULL
        GROUP BY o.customer_id, o.id, o.status, o.created_at`,
      [orders.map((order) => order.customer_id), orders.map((order) => order.order_id)]
    )
  const byCustomer: OrdersForFirstOrder = {}
  for (const row of rows) {
    ;(byCustomer[row.customer_id] ??= []).push({
      order_id: row.order_id,
      status: row.status,
      created_at: new Date(row.created_at),
      quantity: Number(row.quantity),
      returned_quantity: Number(row.returned_quantity),
    })
  }
  return byCustomer
}

/** The ledger key of a member's first-order bonus (`completeLoyaltyActionWorkflow`'s, under the action's scope). */
const firstOrderKey = (customerId: string) => IdempotencyKeys.actionCompletion("first_order", IdempotencyKeys.firstOrderScope(customerId))

/**
 * Which of these customers have their first-order bonus already, in one read
 * of the ledger's keys. The release and the daily pass ask it before they
 * read anyone's orders (`ordersForFirstOrder`), so a member's later releases
 * read none of their order history: only a member not paid yet is read.
 */
export async function firstOrderBonusPaid(container: MedusaContainer, customerIds: string[]): Promise<Set<string>> {
  const unique = [...new Set(customerIds)]
  const written = new Set(await pointsService(container).existingEntryKeys(unique.map(firstOrderKey)))
  return new Set(unique.filter((id) => written.has(firstOrderKey(id))))
}

/**
 * Which of these released orders pay their customer's first-order bonus
 * (`isFirstOrderBonusDue`: the first kept order, placed once the store's
 * `first_order` action was created), for a page in two statements: which
 * customers have the bonus already (`firstOrderBonusPaid`), then the orders
 * of the others (`ordersForFirstOrder`). Without the action, none (and
 * nothing is read).
 */
export const loadFirstKeptOrdersStep = createStep(
  loadFirstKeptOrdersStepId,
  async (input: { orders: ReleasedOrder[]; action: FirstOrderAction | null }, { container }) => {
    const action = input.action
    if (!action) return new StepResponse<ReleasedOrder[]>([])
    const paid = await firstOrderBonusPaid(container, input.orders.map((order) => order.customer_id))
    const unpaid = input.orders.filter((order) => !paid.has(order.customer_id))
    const history = await ordersForFirstOrder(container, unpaid)
    return new StepResponse(
      unpaid.filter((order) =>
        isFirstOrderBonusDue({ order_id: order.order_id, settled: true }, history[order.customer_id] ?? [], new Date(action.created_at))
      )
    )
  }
)
