import { Module } from "@medusajs/framework/utils"
import LoyaltyInsightsModuleService from "./service"

export const LOYALTY_INSIGHTS_MODULE = "loyalty_insights"

export default Module(LOYALTY_INSIGHTS_MODULE, {
  service: LoyaltyInsightsModuleService,
})

export * from "./types"
export { default as LoyaltyInsightsModuleService } from "./service"
