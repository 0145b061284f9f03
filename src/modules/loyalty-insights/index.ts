import { loyaltyModule } from "../../lib/shared/module"
import { checkPluginOptions } from "../../lib/shared/option-problems"
import LoyaltyInsightsModuleService from "./service"

export const LOYALTY_INSIGHTS_MODULE = "loyalty_insights"

export default loyaltyModule(LOYALTY_INSIGHTS_MODULE, LoyaltyInsightsModuleService, [checkPluginOptions("insights")])

export * from "./types"
export { FACT_STREAM_COLUMNS } from "./copy-facts"
export { default as LoyaltyInsightsModuleService } from "./service"
