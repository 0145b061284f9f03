import { Module } from "@medusajs/framework/utils"
import { withCachedJoinerConfig } from "../../lib/shared/module"
import { checkPluginOptions } from "../../lib/shared/option-problems"
import LoyaltyCampaignsModuleService from "./service"

export const LOYALTY_CAMPAIGNS_MODULE = "loyalty_campaigns"

export default withCachedJoinerConfig(
  Module(LOYALTY_CAMPAIGNS_MODULE, {
    service: LoyaltyCampaignsModuleService,
    loaders: [checkPluginOptions("campaigns")],
  })
)

export * from "./types"
export { default as LoyaltyCampaignsModuleService, toCampaignDefinition } from "./service"
