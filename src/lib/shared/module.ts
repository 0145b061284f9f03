import type { ModuleJoinerConfig } from "@medusajs/framework/types"

type JoinerConfigSource = { __joinerConfig?: () => ModuleJoinerConfig }

/**
 * Medusa's `Module()` gives a service a `__joinerConfig()` that builds the joiner
 * config (GraphQL schema, linkable keys) from the models again on every call, and a
 * MedusaService calls it for every entity it creates, updates or deletes, to name
 * the entity's event: the insights module test, when it wrote CDNOW's customers' rows
 * (2,357 a run) with createCustomerInsights, spent 11 of its 36 s of CPU there (it
 * writes them with insertCustomerFacts, one SQL statement a batch, since).
 * Medusa's own modules return one config built once; this makes ours do the same
 * (built on first use, then the same object).
 */
export function withCachedJoinerConfig<Definition extends { service: { prototype: object } }>(
  definition: Definition
): Definition {
  const prototype: JoinerConfigSource = definition.service.prototype
  const build = prototype.__joinerConfig
  if (build) {
    let config: ModuleJoinerConfig | undefined
    prototype.__joinerConfig = function (this: JoinerConfigSource) {
      return (config ??= build.call(this))
    }
  }
  return definition
}
