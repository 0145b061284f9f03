import type { Constructor, JoinerServiceConfigAlias, ModuleExports, ModuleJoinerConfig } from "@medusajs/framework/types"
import { DmlEntity, MedusaServiceModelObjectsSymbol, Module, pluralize, upperCaseFirst } from "@medusajs/framework/utils"

type JoinerConfigSource = { __joinerConfig?: () => ModuleJoinerConfig }
type ModuleService = { prototype: object } & { [MedusaServiceModelObjectsSymbol]?: Record<string, unknown> }

/**
 * Medusa's `Module()` gives a service a `__joinerConfig()` that builds the joiner
 * config (GraphQL schema, linkable keys) from the models again on every call, and a
 * MedusaService calls it for every entity it creates, updates or deletes, to name
 * the entity's event: the insights module test, when it wrote CDNOW's customers' rows
 * (2,357 a run) with createCustomerInsights, spent 11 of its 36 s of CPU there (it
 * writes them with insertCustomerFacts, one SQL statement a batch, since).
 * Medusa's own modules return one config built once; this makes ours do the same
 * (built on first use, then the same object), with each entity's query methods
 * named as the service has them (`queryMethodSuffixes`).
 */
export function withCachedJoinerConfig<Definition extends { service: ModuleService }>(definition: Definition): Definition {
  const service = definition.service
  const prototype: JoinerConfigSource = service.prototype
  const build = prototype.__joinerConfig
  if (build) {
    let config: ModuleJoinerConfig | undefined
    prototype.__joinerConfig = function (this: JoinerConfigSource) {
      return (config ??= queryMethodSuffixes(build.call(this), service))
    }
  }
  return definition
}

/**
 * One of the plugin's modules, as every `modules/<name>/index.ts` exports it:
 * Medusa's `Module()` (its linkable, typed from the service's models) with the
 * joiner config built once (`withCachedJoinerConfig`), and the module's loaders.
 */
export function loyaltyModule<const Name extends string, const Service extends Constructor<object> & ModuleService>(
  name: Name,
  service: Service,
  loaders?: ModuleExports<Service>["loaders"]
) {
  return withCachedJoinerConfig(Module(name, { service, loaders }))
}

/**
 * Query (`query.graph`, and every read through a module link) reads an entity
 * with the service's `list<methodSuffix>` / `listAndCount<methodSuffix>`. The
 * generated config names the suffix after the DML entity (`loyalty_account` →
 * `LoyaltyAccounts`), while MedusaService names the methods after the key the
 * service declares the model under (`Account` → `listAccounts`): without this,
 * no entity of the plugin could be read through Query ("Method listLoyaltyAccounts
 * does not exist"), nor reached through the links to Medusa's customer and
 * customer group. Aliases whose methods exist are left as they are.
 */
export function queryMethodSuffixes(config: ModuleJoinerConfig, service: ModuleService): ModuleJoinerConfig {
  const methods = service.prototype as Record<string, unknown>
  const suffixOfEntity = new Map<string, string>()
  for (const [key, model] of Object.entries(service[MedusaServiceModelObjectsSymbol] ?? {})) {
    if (DmlEntity.isDmlEntity(model)) suffixOfEntity.set(upperCaseFirst(model.name), upperCaseFirst(pluralize(key)))
  }
  const fix = (alias: JoinerServiceConfigAlias): JoinerServiceConfigAlias => {
    const current = alias.args?.methodSuffix
    const suffix = alias.entity ? suffixOfEntity.get(alias.entity) : undefined
    if (!suffix || (current && typeof methods[`list${current}`] === "function")) return alias
    if (typeof methods[`list${suffix}`] !== "function" || typeof methods[`listAndCount${suffix}`] !== "function") return alias
    return { ...alias, args: { ...alias.args, methodSuffix: suffix } }
  }
  if (!config.alias) return config
  return { ...config, alias: Array.isArray(config.alias) ? config.alias.map(fix) : fix(config.alias) }
}
