import { Module } from "@medusajs/framework/utils"
import { withCachedJoinerConfig } from "../../lib/shared/module"
import LoyaltyInsightsModuleService from "./service"

export const LOYALTY_INSIGHTS_MODULE = "loyalty_insights"

export default withCachedJoinerConfig(
  Module(LOYALTY_INSIGHTS_MODULE, {
    service: LoyaltyInsightsModuleService,
  })
)

export * from "./types"
export { FACT_STREAM_COLUMNS } from "./copy-facts"
export { default as LoyaltyInsightsModuleService } from "./service"
