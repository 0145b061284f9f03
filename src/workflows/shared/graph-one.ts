import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

/**
 * One record of another module (an order, a customer, a cart, a payment) by
 * its id, read through Query (`query.graph`) with `fields`; null when it does
 * not exist. How the plugin's steps and routes read what Medusa owns: never
 * its tables. Typed as `query.graph` types its rows.
 */
export async function graphOne(container: Pick<MedusaContainer, "resolve">, entity: string, id: string, fields: string[]) {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity, fields, filters: { id } })
  return data[0] ?? null
}
