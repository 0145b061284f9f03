import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

/**
 * The channels the store's Notification Module has an enabled provider for,
 * read from its table: the module has no public call for it, and a message
 * sent on a channel without one would leave a failed notification behind.
 */
export async function channelsWithProvider(container: MedusaContainer): Promise<Set<string>> {
  const knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  const rows: { channels: string[] | null }[] = await knex("notification_provider")
    .select("channels")
    .where({ is_enabled: true })
    .whereNull("deleted_at")
  return new Set(rows.flatMap((row) => row.channels ?? []))
}
