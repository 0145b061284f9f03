import type { Knex } from "@medusajs/framework/mikro-orm/knex"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"

export const loadFirstKeptOrdersStepId = "loyalty-load-first-kept-orders-step"

/** An order whose points were released: its customer, and when (a bonus for it is dated then). */
export type ReleasedOrder = { customer_id: string; order_id: string; released_at: Date }

/**
 * Which of these orders are their customer's first kept order (the rule of
 * `isFirstKeptOrderStep`: the earliest of the customer's orders that is
 * neither canceled nor a draft), for a page in one statement: each
 * customer's earliest kept order through Medusa's index on the order's
 * customer. A read of Medusa's `order` table over the Postgres connection,
 * in a workflow step (as the insights' facts are), since Query has no
 * "first row per customer".
 */
export const loadFirstKeptOrdersStep = createStep(
  loadFirstKeptOrdersStepId,
  async (input: { orders: ReleasedOrder[] }, { container }) => {
    const customerIds = [...new Set(input.orders.map((order) => order.customer_id))]
    if (!customerIds.length) return new StepResponse<ReleasedOrder[]>([])
    const pg = container.resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION)
    const { rows } = await pg.raw(
      `SELECT c.customer_id, f.id AS order_id
         FROM unnest(?::text[]) AS c(customer_id)
         CROSS JOIN LATERAL (
           SELECT o.id FROM "order" o
            WHERE o.customer_id = c.customer_id AND o.deleted_at IS NULL AND o.status NOT IN ('canceled', 'draft')
            ORDER BY o.created_at, o.id
            LIMIT 1) f`,
      [customerIds]
    )
    const first = new Map<string, string>(rows.map((row: { customer_id: string; order_id: string }) => [row.customer_id, row.order_id]))
    return new StepResponse(input.orders.filter((order) => first.get(order.customer_id) === order.order_id))
  }
)
