import { loyaltyModule } from "../../lib/shared/module"
import { checkPluginOptions } from "../../lib/shared/option-problems"
import LoyaltyReferralsModuleService from "./service"

export const LOYALTY_REFERRALS_MODULE = "loyalty_referrals"

export default loyaltyModule(LOYALTY_REFERRALS_MODULE, LoyaltyReferralsModuleService, [checkPluginOptions("referrals")])

export * from "./types"
export { default as LoyaltyReferralsModuleService } from "./service"
