import { loyaltyModule } from "../../lib/shared/module"
import { checkPluginOptions } from "../../lib/shared/option-problems"
import { warnDeprecatedOptions } from "../../lib/shared/options"
import LoyaltyPointsModuleService from "./service"

export const LOYALTY_POINTS_MODULE = "loyalty_points"

export default loyaltyModule(LOYALTY_POINTS_MODULE, LoyaltyPointsModuleService, [checkPluginOptions("points", "care"), warnDeprecatedOptions("points")])

export * from "./types"
export { default as LoyaltyPointsModuleService } from "./service"
