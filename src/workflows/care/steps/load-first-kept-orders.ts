import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { FirstKeptOrder } from "../../../lib/care/rules"

export const loadFirstKeptOrdersStepId = "loyalty-load-first-kept-orders-step"

/** An order whose points were released: its customer, and when (a bonus for it is dated then). */
export type ReleasedOrder = { customer_id: string; order_id: string; released_at: Date }

/**
 * Each customer's first kept order (the rule of `isFirstKeptOrderStep`: the
 * earliest of the customer's orders that is neither canceled nor a draft) and
 * when it was placed, for many customers in one statement: each customer's
 * earliest kept order through Medusa's index on the order's customer. A read
 * of Medusa's `order` table over the Postgres connection, for workflow steps
 * (as the insights' facts are), since Query has no "first row per customer".
 * A customer without a kept order is not in the map.
 */
export async function firstKeptOrders(
  container: Pick<MedusaContainer, "resolve">,
  customerIds: string[]
): Promise<Map<string, FirstKeptOrder>> {
  const ids = [...new Set(customerIds)]
  if (!ids.length) return new Map()
  const pg = container.resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION)
  const { rows }: { rows: { customer_id: string; order_id: string; created_at: Date }[] } = await pg.raw(
    `SELECT c.customer_id, f.id AS order_id, f.created_at
       FROM unnest(?::text[]) AS c(customer_id)
       CROSS JOIN LATERAL (
         SELECT o.id, o.created_at FROM "order" o
          WHERE o.customer_id = c.customer_id AND o.deleted_at IS NULL AND o.status NOT IN ('canceled', 'draft')
          ORDER BY o.created_at, o.id
          LIMIT 1) f`,
    [ids]
  )
  return new Map(rows.map((row) => [row.customer_id, { order_id: row.order_id, created_at: new Date(row.created_at) }]))
}

/**
 * Which of these orders are their customer's first kept order
 * (`firstKeptOrders`), for a page in one statement.
 */
export const loadFirstKeptOrdersStep = createStep(
  loadFirstKeptOrdersStepId,
  async (input: { orders: ReleasedOrder[] }, { container }) => {
    const first = await firstKeptOrders(container, input.orders.map((order) => order.customer_id))
    return new StepResponse(input.orders.filter((order) => first.get(order.customer_id)?.order_id === order.order_id))
  }
)
