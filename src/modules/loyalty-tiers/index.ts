import { loyaltyModule } from "../../lib/shared/module"
import { checkPluginOptions } from "../../lib/shared/option-problems"
import { warnDeprecatedOptions } from "../../lib/shared/options"
import LoyaltyTiersModuleService from "./service"

export const LOYALTY_TIERS_MODULE = "loyalty_tiers"

export default loyaltyModule(LOYALTY_TIERS_MODULE, LoyaltyTiersModuleService, [checkPluginOptions("tiers"), warnDeprecatedOptions("tiers")])

export * from "./types"
export { default as LoyaltyTiersModuleService } from "./service"
