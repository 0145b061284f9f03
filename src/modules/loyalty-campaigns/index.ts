import { loyaltyModule } from "../../lib/shared/module"
import { checkPluginOptions } from "../../lib/shared/option-problems"
import LoyaltyCampaignsModuleService from "./service"

export const LOYALTY_CAMPAIGNS_MODULE = "loyalty_campaigns"

export default loyaltyModule(LOYALTY_CAMPAIGNS_MODULE, LoyaltyCampaignsModuleService, [checkPluginOptions("campaigns")])

export * from "./types"
export { default as LoyaltyCampaignsModuleService, toCampaignDefinition } from "./service"
