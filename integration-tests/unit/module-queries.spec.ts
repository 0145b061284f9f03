import type { JoinerServiceConfigAlias, ModuleJoinerConfig } from "@medusajs/framework/types"
import LoyaltyCampaignsModule from "../../src/modules/loyalty-campaigns"
import LoyaltyInsightsModule from "../../src/modules/loyalty-insights"
import LoyaltyPointsModule from "../../src/modules/loyalty-points"
import LoyaltyReferralsModule from "../../src/modules/loyalty-referrals"
import LoyaltyTiersModule from "../../src/modules/loyalty-tiers"

/**
 * Every entity of the plugin's modules is readable through Query
 * (`query.graph`, and the module links in `src/links`): Query calls the
 * service's `list<methodSuffix>` and `listAndCount<methodSuffix>`, so each
 * alias of a module's joiner config must name methods its service has
 * (issue 16, module links used in reads). Before withCachedJoinerConfig set
 * them, every alias named `listLoyalty…` methods no service had.
 */
const MODULES = {
  loyalty_points: LoyaltyPointsModule,
  loyalty_tiers: LoyaltyTiersModule,
  loyalty_referrals: LoyaltyReferralsModule,
  loyalty_campaigns: LoyaltyCampaignsModule,
  loyalty_insights: LoyaltyInsightsModule,
}

type JoinerSource = { __joinerConfig: () => ModuleJoinerConfig } & Record<string, unknown>

/** A module service's prototype, as Query sees it: its joiner config and its methods by name. */
const queryable = (service: { prototype: object }): JoinerSource => {
  const prototype: object = service.prototype
  return prototype as JoinerSource
}

describe("the plugin's entities are readable through Query", () => {
  it.each(Object.entries(MODULES))("%s: each alias names list methods the service has", (_, definition) => {
    const prototype = queryable(definition.service)
    const config = prototype.__joinerConfig()
    const aliases = ([] as JoinerServiceConfigAlias[]).concat(config.alias ?? [])
    expect(aliases.length).toBeGreaterThan(0)
    const missing = aliases.flatMap((alias) =>
      ["list", "listAndCount"]
        .map((verb) => `${verb}${alias.args?.methodSuffix}`)
        .filter((method) => typeof prototype[method] !== "function")
        .map((method) => `${String(alias.name)}: ${method}`)
    )
    expect(missing).toEqual([])
  })

  it("names the account's methods after the service's own (listAccounts, not listLoyaltyAccounts)", () => {
    const prototype = queryable(LoyaltyPointsModule.service)
    const aliases = ([] as JoinerServiceConfigAlias[]).concat(prototype.__joinerConfig().alias ?? [])
    expect(aliases.find((alias) => alias.entity === "LoyaltyAccount")?.args?.methodSuffix).toBe("Accounts")
  })
})
