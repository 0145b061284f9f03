import { Module } from "@medusajs/framework/utils"
import { withCachedJoinerConfig } from "../../lib/shared/module"
import { checkPluginOptions } from "../../lib/shared/option-problems"
import LoyaltyReferralsModuleService from "./service"

export const LOYALTY_REFERRALS_MODULE = "loyalty_referrals"

export default withCachedJoinerConfig(
  Module(LOYALTY_REFERRALS_MODULE, {
    service: LoyaltyReferralsModuleService,
    loaders: [checkPluginOptions("referrals")],
  })
)

export * from "./types"
export { default as LoyaltyReferralsModuleService } from "./service"
