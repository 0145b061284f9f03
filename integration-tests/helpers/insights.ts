import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { LOYALTY_INSIGHTS_MODULE } from "../../src/modules/loyalty-insights"
import type LoyaltyInsightsModuleService from "../../src/modules/loyalty-insights/service"

export const insightsService = (container: MedusaContainer) =>
  container.resolve<LoyaltyInsightsModuleService>(LOYALTY_INSIGHTS_MODULE)

const DAY_MS = 24 * 60 * 60 * 1000

/** `days` before `now`. */
export const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS)

/** The database connection (knex) the app uses, for back-dating fixtures. */
export const pg = (container: MedusaContainer) => container.resolve(ContainerRegistrationKeys.PG_CONNECTION)

/**
 * A customer as the customer module stores it: `has_account` true for a
 * member, false for a guest. `created_at` is back-dated when given.
 */
export async function createShopper(
  container: MedusaContainer,
  { email, member = true, createdAt }: { email: string; member?: boolean; createdAt?: Date }
) {
  const customer = await container.resolve(Modules.CUSTOMER).createCustomers({
    email,
    first_name: email.split("@")[0],
    last_name: "Shopper",
    has_account: member,
  })
  if (createdAt) {
    await pg(container)("customer").where({ id: customer.id }).update({ created_at: createdAt })
  }
  return customer
}

/**
 * An order through Medusa's order module (its totals and `order_summary` row
 * are computed by Medusa), then back-dated to `at`: insights read history, and
 * a test cannot wait a year for it. `paid` records a capture of its amount.
 */
export async function createPastOrder(
  container: MedusaContainer,
  {
    customerId,
    email,
    amount,
    at,
    currency = "eur",
    status = "pending",
    paid = false,
  }: {
    customerId: string
    email?: string
    amount: number
    at: Date
    currency?: string
    status?: "pending" | "canceled"
    paid?: boolean
  }
) {
  const order = await container.resolve(Modules.ORDER).createOrders({
    currency_code: currency,
    customer_id: customerId,
    email: email ?? `${customerId}@example.com`,
    status: "pending",
    items: [{ title: "Insights test item", quantity: 1, unit_price: amount }],
  })
  if (paid) {
    await container
      .resolve(Modules.ORDER)
      .addOrderTransactions({ order_id: order.id, amount, currency_code: currency, reference: "capture" })
  }
  await pg(container)("order")
    .where({ id: order.id })
    .update({ created_at: at, ...(status === "canceled" ? { status: "canceled", canceled_at: at } : {}) })
  return order
}
