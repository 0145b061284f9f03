import { loyaltyModule } from "../../lib/shared/module"
import { warnDeprecatedOptions } from "../../lib/shared/options"
import LoyaltyPointsModuleService from "./service"

export const LOYALTY_POINTS_MODULE = "loyalty_points"

export default loyaltyModule(LOYALTY_POINTS_MODULE, LoyaltyPointsModuleService, [warnDeprecatedOptions("points")])

export * from "./types"
export { default as LoyaltyPointsModuleService } from "./service"
