import { Knex } from "@medusajs/framework/mikro-orm/knex"
import { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

/** Per database connection (one per Medusa process): the providers are the configuration it booted with. */
const read = new WeakMap<Knex, Promise<ReadonlySet<string>>>()

/**
 * The channels the store's Notification Module has an enabled provider for,
 * read from its table: the module has no public call for it, and a message
 * sent on a channel without one would leave a failed notification behind.
 * Providers are configuration (`medusa-config`'s notification providers, which
 * the module writes to its table at boot), fixed for the life of a process:
 * the table is read once per process, so deciding that a message has no
 * provider to go through costs no statement.
 */
export function channelsWithProvider(container: MedusaContainer): Promise<ReadonlySet<string>> {
  const knex: Knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  let channels = read.get(knex)
  if (!channels) {
    channels = readChannels(knex)
    read.set(knex, channels)
    // A failed read is tried again next time.
    channels.catch(() => read.delete(knex))
  }
  return channels
}

async function readChannels(knex: Knex): Promise<ReadonlySet<string>> {
  const rows: { channels: string[] | null }[] = await knex("notification_provider")
    .select("channels")
    .where({ is_enabled: true })
    .whereNull("deleted_at")
  return new Set(rows.flatMap((row) => row.channels ?? []))
}
