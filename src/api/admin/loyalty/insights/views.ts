import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { ICustomerModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { deletedCustomerIds } from "../../../../workflows/insights/store-facts"
import { LOYALTY_INSIGHTS_MODULE } from "../../../../modules/loyalty-insights"
import type LoyaltyInsightsModuleService from "../../../../modules/loyalty-insights/service"

export const insightsModule = (scope: MedusaContainer) =>
  scope.resolve<LoyaltyInsightsModuleService>(LOYALTY_INSIGHTS_MODULE)

/** The newest succeeded run: what every insight read shows. */
export async function currentRun(scope: MedusaContainer) {
  return (await insightsModule(scope).latestRuns()).succeeded
}

/**
 * A page of a run's customers with their email and name from the customer
 * module. A customer deleted since the run is neither listed, exported nor
 * counted: no email or name of theirs leaves.
 */
export async function listRunCustomersWithNames(
  scope: MedusaContainer,
  runId: string,
  filters: { rfm_segment?: string; matrix_segment?: string; lifecycle_stage?: string; value_band?: string },
  page: { limit: number; offset: number }
) {
  const deleted = await deletedCustomerIds(scope.resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION))
  const { customers, count } = await insightsModule(scope).listRunCustomers(runId, filters, {
    ...page,
    exclude_customer_ids: deleted,
  })
  const ids = customers.map((c) => c.customer_id)
  const people = ids.length
    ? await scope
        .resolve<ICustomerModuleService>(Modules.CUSTOMER)
        .listCustomers({ id: ids }, { select: ["id", "email", "first_name", "last_name"], take: ids.length })
    : []
  const byId = new Map(people.map((p) => [p.id, p]))
  return {
    count,
    customers: customers.map((c) => {
      const person = byId.get(c.customer_id)
      return {
        ...c,
        email: person?.email ?? null,
        first_name: person?.first_name ?? null,
        last_name: person?.last_name ?? null,
      }
    }),
  }
}
